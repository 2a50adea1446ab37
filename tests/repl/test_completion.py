"""Tab completion and syntax highlighting, asked directly (no terminal)."""

from __future__ import annotations

import pytest
from prompt_toolkit.document import Document

from gradlang.repl.completion import GradlangCompleter
from gradlang.repl.highlight import GradlangLexer, line_tokens


@pytest.fixture
def complete(interpreter):
    completer = GradlangCompleter(interpreter)

    def offered(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), None)]

    return offered


def test_names_in_scope_builtins_and_keywords(interpreter, complete):
    interpreter.run("weights = param([1.0])\nwidth = 3")
    assert complete("wei") == ["weights"]
    assert "width" in complete("wi")
    assert "param" in complete("par") and "pass" not in complete("par")
    assert "while" in complete("whi")
    assert complete("backw") == ["backward"]


def test_module_members(complete):
    assert {"sin", "sigmoid", "sign"} <= set(complete("torch.si"))
    assert "cos" in complete("math.co") and "pi" in complete("math.p")
    assert complete("torch.nn.functional.rel") == ["relu", "relu6"]
    assert "grad" in complete("torch.autograd.")


def test_an_imported_alias_completes_like_its_module(interpreter, complete):
    interpreter.run("import torch as t")
    assert "zeros_like" in complete("t.zeros_")


def test_tensor_attributes_and_methods_after_a_dot(interpreter, complete):
    interpreter.run("x = param([1.0, 2.0])\ny = (x * 2).sum()\ny.backward()")
    assert complete("x.gra") == ["grad", "grad_fn"]
    assert "requires_grad_" in complete("x.requires")
    assert "zero_" in complete("x.grad.ze")  # x.grad is a tensor after backward
    assert "backward" in complete("print y.back")


def test_after_a_dot_only_allowed_members_of_other_values(interpreter, complete):
    interpreter.run("name = 'ab'\nitems = [1]")
    assert complete("name.upp") == ["upper"]
    assert "append" in complete("items.app")
    assert complete("items.__cl") == []


def test_completion_never_runs_code(interpreter, complete):
    interpreter.run("calls = []\ndef f(): calls.append(1); return param(1.0)")
    assert complete("f().gr") == []
    assert complete("f.x") == []
    assert interpreter["calls"] == []


def test_no_completion_inside_strings_comments_or_unknown_names(complete):
    assert complete("print 'x.gr") == []
    assert complete("x = 1  # par") == []
    assert complete("nothing_like_this.re") == []


def test_meta_commands_and_their_arguments(interpreter, complete, tmp_path):
    assert complete(":g") == [":graph"]
    assert set(complete(":")) >= {":help", ":vars", ":graph", ":reset", ":load", ":time", ":quit"}
    interpreter.run("loss = param(1.0) * 2")
    assert "loss" in complete(":graph lo")
    (tmp_path / "model.grad").write_text("")
    assert complete(f":load {tmp_path}/mo") == ["del.grad"]


def test_highlighting_uses_the_language_tokens():
    pieces = [(style, text) for style, text in line_tokens("if x > 1e-3: print sin(x), 'a'  # note", {"sin"})
              if text.strip()]
    assert pieces == [
        ("class:keyword", "if"), ("", "x"), ("class:operator", ">"), ("class:number", "1e-3"),
        ("class:operator", ":"), ("class:keyword", "print"), ("class:builtin", "sin"), ("class:operator", "("),
        ("", "x"), ("class:operator", ")"), ("class:operator", ","), ("class:string", "'a'"),
        ("class:comment", "# note"),
    ]


def test_highlighting_keeps_every_character_and_never_fails():
    for line in ["x = 'unterminated", "y = $ 3", "    f\"w={w:.2f}\"", "a += 1_000 * .5", "\\", ""]:
        assert "".join(text for _, text in line_tokens(line, set())) == line


def test_lexer_covers_every_line_of_a_block(interpreter):
    lexer = GradlangLexer(interpreter)
    get_line = lexer.lex_document(Document("for i in range(3):\n    print i"))
    assert ("class:keyword", "for") in get_line(0)
    assert ("class:builtin", "range") in get_line(0)
    assert ("class:keyword", "print") in get_line(1)
    assert get_line(5) == []
