"""Python written for PyTorch, run unchanged by gradlang: the same output, the same warnings.

Each script runs with Python and torch, and with the `gradlang` command, each in a fresh
process; stdout must be equal, and so must the warnings (category and first line of the
message, in order: Python's default filter shows a warning once per place in the program).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .helpers import ROOT, gradlang

pytestmark = pytest.mark.torch

_WARNING = re.compile(r"(\w+Warning): (.*)")
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)\.?$")

SCRIPTS = {
    "MultiStepLR, CosineAnnealingLR and LambdaLR give PyTorch's rates to the last bit": """
import torch
def run(make, steps=12):
    w = torch.nn.Parameter(torch.ones(1))
    opt = torch.optim.SGD([{"params": [w]}, {"params": [torch.nn.Parameter(torch.ones(1))], "lr": 0.5}], lr=0.1)
    sched = make(opt)
    rates = []
    for _ in range(steps):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr())
    print(type(sched).__name__, rates)
run(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.5))
run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4))
run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01), 14)
run(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch))
run(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=[lambda e: 1 / (e + 1), lambda e: 0.9 ** e]))
run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.3))
run(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9))
w = torch.nn.Parameter(torch.ones(1))
opt = torch.optim.SGD([w], lr=0.1)
c = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
m = torch.optim.lr_scheduler.MultiStepLR(opt, [3, 6])
print(c.T_max, c.eta_min, m.gamma, sorted(m.milestones), type(c))
""",
    "a tensor's read-only attributes and torch.Size's item assignment": """
import torch
x = torch.ones(2)
try:
    x.shape = (1, 2)
except AttributeError as e:
    print(e)
try:
    x.grad_fn = None
except AttributeError as e:
    print(e)
try:
    x.shape[0] = 3
except TypeError as e:
    print(e)
s = x.shape
try:
    del s[0]
except TypeError as e:
    print(e)
""",
    "an optimizer's state_dict and load_state_dict": """
import torch
w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
v = torch.nn.Parameter(torch.tensor(0.5))
opt = torch.optim.SGD([{"params": [w]}, {"params": [v], "lr": 0.5}], lr=0.1, momentum=0.9)
(w ** 2).sum().backward(); opt.step()
sd = opt.state_dict()
print(sd)
a = torch.optim.Adam([w, v], lr=0.01)
(w ** 2 + v).sum().backward(); a.step()
print(a.state_dict())
b = torch.optim.Adam([w, v], lr=0.5)
b.load_state_dict(a.state_dict())
print(b.param_groups[0]["lr"], b.state[w]["exp_avg"], b.state[v]["step"])
try:
    b.load_state_dict(opt.state_dict())
except ValueError as e:
    print(e)
""",
    "Module.apply (weight initialisation) and add_module": """
import torch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
names = []
def init_weights(m):
    names.append(type(m).__name__)
    if isinstance(m, torch.nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)
print(model.apply(init_weights) is model, names)
print(model[0].weight, model[2].bias)
model.add_module("out", torch.nn.Sigmoid())
print(model, len(model))
""",
    "torch.func.grad of tuple, list and dict arguments": """
import torch
a = torch.tensor([1.0, 2.0]); b = torch.tensor([3.0, 4.0])
print(torch.func.grad(lambda p: (p[0] * p[1]).sum())((a, b)))
print(torch.func.grad(lambda p: (p[0] * p[1]).sum())([a, b]))
print(torch.func.grad(lambda p: (p["w"] * p["b"] ** 2).sum())({"w": a, "b": b}))
print(torch.func.grad(lambda p, x: (p["w"] @ x + p["c"]) ** 2)({"w": a, "c": torch.tensor(0.5)}, b))
print(torch.func.grad(lambda p, q: (p[0] * q).sum(), argnums=(0, 1))((a,), b))
""",
    "nn.Dropout and F.dropout (the mask's values are gradlang's own draw)": """
import torch
torch.manual_seed(0)
d = torch.nn.Dropout(0.5)
print(d, torch.nn.Dropout(), torch.nn.Dropout(p=0.2, inplace=True), d.p)
x = torch.ones(8, requires_grad=True)
y = d(x)
print(y.grad_fn.name(), y.shape, sorted(set(y.tolist())) in ([0.0, 2.0], [0.0], [2.0]))
y.sum().backward()
print(x.grad.shape, sorted(set(x.grad.tolist())) in ([0.0, 2.0], [0.0], [2.0]))
d.eval(); z = d(x); print(z, z is x)
print(torch.nn.functional.dropout(x, 0.5, training=False) is x, torch.nn.functional.dropout(x, p=0.0))
print(torch.nn.functional.dropout(torch.ones(3), p=1.0))
try:
    torch.nn.Dropout(1.5)
except ValueError as e:
    print(type(e).__name__, e)
model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.1))
print(model)
model.eval()
print(model(torch.ones(1, 2)).shape)
""",
    "a scheduler's gamma and step_size": """
import torch
w = torch.nn.Parameter(torch.ones(1))
opt = torch.optim.SGD([w], lr=1.0)
s = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
e = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
print(s.gamma, s.step_size, e.gamma, s.last_epoch)
""",
    "getattr with and without a default": """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(getattr(x, "shape"), getattr(x, "requires_grad"), getattr(x, "nope", 5), hasattr(x, "grad"), hasattr(x, "nope"))
for name in ["sin", "exp"]:
    print(getattr(torch, name)(x))
print(getattr(torch.nn, "Linear")(2, 1).in_features, getattr("abc", "upper")())
for args in [(x, 3), (x, "nope")]:
    try:
        getattr(*args)
    except (TypeError, AttributeError) as e:
        print(type(e).__name__, e)
""",
    "addmm's and Linear's dtype checks; Linear's weight through TBackward0": """
import torch
x = torch.ones(2, 3, dtype=torch.float64); w = torch.ones(2, 3); b = torch.ones(2)
for f in [lambda: torch.addmm(b, x, w.t()), lambda: torch.addmm(b.double(), x, w.t()), lambda: torch.addmm(b, w, x.t()),
          lambda: torch.nn.functional.linear(x, w, b), lambda: torch.nn.functional.linear(x, w), lambda: torch.addmm(b, torch.ones(2, 3, dtype=torch.int64), w.t()),
          lambda: torch.nn.Linear(3, 2)(torch.ones(2, 3, dtype=torch.float64))]:
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)
lin = torch.nn.Linear(3, 2)
print([n[0].name() if n[0] else None for n in lin(torch.ones(1, 3)).grad_fn.next_functions])
print([n[0].name() if n[0] else None for n in torch.nn.Linear(3, 2, bias=False)(torch.ones(1, 3)).grad_fn.next_functions])
""",
    "Module.to/float/double/cpu, state_dict and load_state_dict; L1Loss, SmoothL1Loss, HuberLoss, BCEWithLogitsLoss and NLLLoss modules": """
import torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
sd = m.state_dict()
print(type(sd).__name__, list(sd.keys()), sd['0.bias'].requires_grad)
print(m.load_state_dict(sd))
print(m.to('cpu') is m, m.double()[0].weight.dtype, m.float()[0].bias.dtype, m.to(torch.float64)[0].weight.dtype, m.cpu() is m)
m.float()
lin = torch.nn.Linear(1, 1)
print(lin.state_dict())
try:
    m.load_state_dict({'0.weight': torch.ones(2, 2)})
except RuntimeError as e:
    print(e)
print(m.to(device='cpu', dtype=torch.float32)[0].weight.dtype)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)).to(device)
print(model(torch.ones(1, 2)).shape)
copy = torch.nn.Linear(1, 1)
copy.load_state_dict(lin.state_dict())
print(copy.weight, copy.weight.requires_grad)
loss_fns = [torch.nn.L1Loss(), torch.nn.SmoothL1Loss(beta=0.5), torch.nn.HuberLoss(delta=0.5), torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])), torch.nn.L1Loss(reduction='sum')]
x = torch.tensor([[0.5, -1.0], [2.0, 0.3]], requires_grad=True)
t = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
for f in loss_fns:
    print(f, f(x, t))
nll = torch.nn.NLLLoss(weight=torch.tensor([1.0, 2.0]))
print(nll, nll(torch.log_softmax(x, 1), torch.tensor([0, 1])), torch.nn.NLLLoss()(torch.log_softmax(x, 1), torch.tensor([1, 1])))
""",
    "derivative rules use PyTorch's Scalar overloads (MulBackward1, AddBackward1) under create_graph": """
import torch
x = torch.tensor([0.5, 2.0], requires_grad=True)
for f in [torch.log2, torch.log10, torch.exp2, lambda x: x ** 3, lambda x: x ** 2, lambda x: x ** 0.5, torch.sqrt, torch.rsqrt, torch.log1p, torch.tan]:
    g, = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    h, = torch.autograd.grad(g.sum(), x, create_graph=True)
    print(g.grad_fn.name(), [n[0].name() if n[0] else None for n in g.grad_fn.next_functions], h.grad_fn.name(), g, h)
""",
    "forward-mode tangents of minimum and maximum keep PyTorch's signed zeros": """
import torch
x = torch.tensor([0.5, 1.0, 2.0]); b = torch.tensor([0.1, 1.0, 3.0])
for f in [lambda x: torch.minimum(x, b), lambda x: torch.maximum(x, b), lambda x: torch.minimum(b, x), lambda x: torch.max(x, b), lambda x: torch.maximum(x, x * 0.5)]:
    print(torch.func.jvp(f, (x,), (-torch.ones(3),)))
print(torch.func.jvp(torch.maximum, (x, b), (torch.tensor([1., 2., 3.]), torch.tensor([-1., 0.5, 0.25]))))
""",
    "jvp of a primal that requires grad: the output through AliasBackward0": """
import torch
x = torch.tensor(2.0, requires_grad=True)
p, t = torch.func.jvp(torch.sin, (x,), (torch.tensor(1.0),))
print(p, t)
(p + t).backward()
print(x.grad)
print(torch.func.jvp(lambda a: a * 3, (torch.tensor([1.0, 2.0]),), (torch.ones(2),)))
""",
    "torch.autograd.gradcheck checks inputs in their own dtype (float32 warns and fails)": """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.autograd.gradcheck(torch.exp, (x,), raise_exception=False))
try:
    torch.autograd.gradcheck(torch.exp, (x,))
except RuntimeError as e:
    print(type(e).__name__, e)
xd = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(torch.exp, (xd,), fast_mode=True), torch.autograd.gradcheck(torch.exp, (xd,), check_forward_ad=True))
try:
    torch.autograd.gradcheck(torch.relu, (torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True),))
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.autograd.gradcheck(lambda a, b: (a * b).sin(), (xd, torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True))))
""",
    "torch.func.hessian of a function with a tensor output": """
import torch
print(torch.func.hessian(lambda x: x ** 3)(torch.tensor([1.0, 2.0])))
print(torch.func.hessian(lambda x: (x ** 2).sum() * x[:1])(torch.tensor([1.0, 2.0])).shape)
print(torch.func.hessian(lambda x, y: x * y, argnums=(0, 1))(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
print(torch.func.hessian(lambda x: (x.sin() * 2).sum())(torch.tensor([0.5, 1.0])))
""",
    "assigning parameters, modules and values to torch.nn modules": """
import torch
torch.manual_seed(0)
lin = torch.nn.Linear(2, 1)
lin.weight = torch.nn.Parameter(torch.ones(1, 2))
print(lin.weight)
lin.scale = torch.nn.Parameter(torch.tensor(2.0))
lin.note = 3
print(lin.note, lin.scale, [n for n, _ in lin.named_parameters()])
out = lin(torch.tensor([[1.0, 2.0]])) * lin.scale
out.sum().backward()
print(lin.weight.grad, lin.scale.grad)
model = torch.nn.Sequential(torch.nn.Linear(2, 2))
model.head = torch.nn.Linear(2, 1)
print(model)
try:
    lin.weight = torch.ones(1, 2)
except TypeError as e:
    print(e)
""",
    "backward and autograd.grad check the given gradients before requires_grad": """
import torch
x = torch.ones(2)
w = torch.ones(2, requires_grad=True)
for f in [lambda: x.backward(gradient=torch.ones(3)), lambda: torch.autograd.backward(x, grad_tensors=torch.ones(3)), lambda: x.backward(),
          lambda: x.backward(torch.ones(2)), lambda: x.backward(gradient=[1.0, 2.0]), lambda: (w * 2).backward(), lambda: x.sum().backward(),
          lambda: torch.autograd.grad(x, w, grad_outputs=torch.ones(3)), lambda: torch.autograd.grad(x.sum(), w), lambda: torch.autograd.grad(x, w)]:
    try:
        f()
        print("ok")
    except Exception as e:
        print(type(e).__name__, e)
""",
    "in-place math methods (sin_, exp2_, fmod_, eq_, clip_ …)": """
import torch
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
y = x.sin().sin_(); print(y); y.sum().backward(); print(x.grad)
x.grad = None
z = (x * 1).log2_().log10_().square_(); print(z); z.sum().backward(); print(x.grad)
try:
    (x * 1).exp2_().log10_().sum().backward()
except RuntimeError as e:
    print(e)
a = torch.tensor([1.5, -2.0, 3.0])
print(a.clone().fmod_(1.0), a.clone().remainder_(2), a.clone().atan2_(torch.ones(3)), a.clone().hypot_(torch.ones(3)))
print(a.clone().eq_(1.5), a.clone().gt_(0), a.clone().greater_equal_(torch.tensor([1.5, 0., 4.])), a.clone().logical_not_())
print(a.clone().absolute_(), a.clone().negative_(), a.clone().clip_(-1, 1), a.clone().fix_(), a.clone().sign_(), a.clone().multiply_(2), a.clone().divide_(2))
print(torch.tensor([0.25, 0.5]).logical_and_(torch.tensor([1.0, 0.0])), a.clone().deg2rad_(), a.clone().xlogy_(2.0))
try:
    torch.ones(2, requires_grad=True).cos_()
except RuntimeError as e:
    print(e)
""",
    "an op that saves its output, done in place, then changed again, fails at backward": """
import torch
x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
for name, f in [("exp_", lambda y: y.exp_()), ("exp2_", lambda y: y.exp2_()), ("sigmoid_", lambda y: y.sigmoid_()), ("sqrt_", lambda y: y.sqrt_()), ("sin_", lambda y: y.sin_())]:
    y = x * 1
    f(y)
    y.mul_(2)
    try:
        y.sum().backward()
        print(name, "ok", x.grad)
    except RuntimeError as e:
        print(name, str(e)[:160])
    x.grad = None
""",
    "requires_grad takes a bool only": """
import torch
for f in [lambda: torch.tensor(2.0, requires_grad=1), lambda: torch.zeros(2, requires_grad=1), lambda: torch.ones(2, requires_grad="a"),
          lambda: torch.tensor(2.0, requires_grad=None), lambda: torch.full((2,), 1., requires_grad=1), lambda: torch.zeros_like(torch.ones(2), requires_grad=1),
          lambda: torch.ones(2).requires_grad_(1), lambda: torch.tensor(2.0, requires_grad=True), lambda: torch.rand(2, requires_grad=False).shape]:
    try: print(f())
    except Exception as e: print(type(e).__name__, e)
x = torch.ones(2)
for v in ["yes", 1, None, 0.0, True]:
    try: x.requires_grad = v; print('ok', x.requires_grad)
    except Exception as e: print(type(e).__name__, e)
""",
    "KeyboardInterrupt, BaseException, OSError and ModuleNotFoundError in except clauses": """
try:
    raise KeyboardInterrupt
except KeyboardInterrupt:
    print("caught")
try:
    raise KeyboardInterrupt("stop")
except BaseException as e:
    print("base", repr(e), str(e))
try:
    try:
        raise KeyError("k")
    except OSError:
        print("no")
except LookupError as e:
    print("lookup", repr(e))
try:
    raise ModuleNotFoundError("m")
except ImportError as e:
    print("import", repr(e))
try:
    raise BaseException("b")
except Exception:
    print("not here")
except BaseException as e:
    print("base only", repr(e))
try:
    try:
        raise KeyboardInterrupt
    except Exception:
        print("no")
except KeyboardInterrupt:
    print("outer caught")
print(issubclass(ModuleNotFoundError, ImportError) if False else "done")
""",
    "a retained gradient made with create_graph is a clone": """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True); y = x*2; y.retain_grad()
(y**3).sum().backward(create_graph=True); print(y.grad, x.grad)
(y**3).sum().backward(create_graph=True); print(y.grad, x.grad)
""",
    "torch.func.grad and jvp with has_aux": """
import torch
x = torch.tensor(2.0)
print(torch.func.grad(lambda x: (x**2, x*3), has_aux=True)(x))
print(torch.func.grad(lambda x: (x**2, {'a': x*3, 'b': [x, x + 1]}), has_aux=True)(x))
print(torch.func.grad(lambda x, y: ((x*y)**2, y), argnums=(0, 1), has_aux=True)(x, torch.tensor(0.5)))
for f in [lambda x: x**2, lambda x: (x**2,), lambda x: (x**2, 1)]:
    try:
        torch.func.grad(f, has_aux=True)(x)
    except RuntimeError as e:
        print(e)
print(torch.func.jvp(lambda x: (x**2, x*3), (x,), (torch.tensor(1.),), has_aux=True))
""",
    "a hook handle as a context manager": """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
with x.register_hook(lambda g: g * 0) as handle:
    (x * 3).sum().backward()
print(x.grad, type(handle).__name__)
(x * 3).sum().backward()
print(x.grad)
""",
    "nested torch.func.grad over different arguments gives a plain tensor": """
import torch
f = lambda x, y: (x ** 2 * y ** 3).sum()
print(torch.func.grad(torch.func.grad(f, argnums=1), argnums=0)(torch.tensor(2.0), torch.tensor(3.0)))
print(torch.func.grad(torch.func.grad(f, argnums=0), argnums=1)(torch.tensor(2.0), torch.tensor(3.0)))
g = lambda x, y: torch.sin(x) * torch.exp(y)
print(torch.func.grad(torch.func.grad(g, argnums=1))(torch.tensor(0.5), torch.tensor(0.25)))
print(torch.func.grad(torch.func.grad(torch.sin))(torch.tensor(1.0)))
x = torch.tensor(1.5, requires_grad=True)
d = torch.func.grad(torch.func.grad(f, argnums=1), argnums=0)(x, torch.tensor(3.0))
print(d)
def outer(a):
    inner = torch.func.grad(lambda b: (a * b) ** 2)
    return inner(torch.tensor(2.0))
print(torch.func.grad(outer)(torch.tensor(3.0)))
""",
    "max(), min() and median() fill +0 where the gradient does not go; amax multiplies (-0.)": """
import torch
x = torch.tensor([0.5, 1.0, -2.0], requires_grad=True)
(-x.min()).backward(); print(x.grad)
x.grad=None; (-torch.amin(x)).backward(); print(x.grad)
x.grad=None; (-x.max()).backward(); print(x.grad)
x.grad=None; (-x.median()).backward(); print(x.grad)
t = torch.tensor([-0.5, -0.5, 0.0], requires_grad=True)
(-t.min()).backward(); print(t.grad)
z = torch.tensor([1.0, float('nan'), 2.0], requires_grad=True)
(-z.max()).backward(); print(z.grad)
y = torch.tensor([[0.5, 1.0], [-2.0, 3.]], requires_grad=True)
y.grad=None; (-y.amax(dim=1).sum()).backward(); print(y.grad)
g, = torch.autograd.grad(-(x.min() ** 2), x, create_graph=True); print(g)
""",
    "xlogy, logaddexp, logit, deg2rad and rad2deg, with their gradients": """
import torch
x = torch.tensor([0.0, 0.5, 2.0, 3.0], requires_grad=True)
y = torch.tensor([0.0, 1.5, 0.25, 4.0], requires_grad=True)
for out in [torch.xlogy(x, y), torch.xlogy(x, 2.0), torch.xlogy(3, y), x.xlogy(y), torch.logaddexp(x, y), x.logaddexp(y),
            torch.logit(x / 4), torch.logit(x, eps=0.1), x.logit(1e-6), torch.deg2rad(x), torch.rad2deg(x), x.deg2rad()]:
    print(out)
    x.grad = y.grad = None
    out.sum().backward()
    print(x.grad, y.grad)
print(torch.xlogy(torch.tensor([0., 0., 1.]), torch.tensor([0., float('nan'), 0.])), torch.logit(torch.tensor([0.2, 1.5, -1.])))
print(torch.logaddexp(torch.tensor([float('inf'), -float('inf'), 1.]), torch.tensor([float('inf'), -float('inf'), float('nan')])))
print(torch.deg2rad(torch.tensor([180, 90])), torch.rad2deg(torch.tensor([3.14159], dtype=torch.float64)))
a = torch.tensor(0.3, requires_grad=True)
b = torch.tensor(1.7, requires_grad=True)
for f in [lambda: torch.xlogy(a, b), lambda: torch.logaddexp(a, b), lambda: torch.logit(a), lambda: torch.logit(a, 0.4)]:
    g = torch.autograd.grad(f(), (a, b) if f().grad_fn.name() != "LogitBackward0" else (a,), create_graph=True)
    print(g, [torch.autograd.grad(gi, a, retain_graph=True, allow_unused=True) for gi in g])
for f, args in [(torch.xlogy, (2, 3)), (torch.logaddexp, (x, 2.0)), (torch.logaddexp, (torch.tensor([1, 2]), torch.tensor([1, 2])))]:
    try:
        f(*args)
    except Exception as e:
        print(type(e).__name__, e)
""",
    "nansum, nanmean, trapezoid, trapz and logspace": """
import torch
v = torch.tensor([[1.0, float('nan'), 3.0], [4.0, 5.0, float('nan')]], requires_grad=True)
for out in [torch.nansum(v), v.nansum(0), torch.nansum(v, dim=1, keepdim=True), torch.nanmean(v), v.nanmean(1), torch.nanmean(v, 0, True)]:
    print(out)
    v.grad = None
    out.sum().backward()
    print(v.grad)
print(torch.nansum(torch.tensor([1, 2])), torch.nanmean(torch.tensor([1., float('nan')]), dtype=torch.float64))
y = torch.tensor([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 5.0, 8.0]], requires_grad=True)
x = torch.tensor([0.0, 1.0, 2.5, 3.0], requires_grad=True)
for out in [torch.trapezoid(y), torch.trapezoid(y, dx=0.5), torch.trapezoid(y, x), torch.trapezoid(y, dim=0), torch.trapz(y, x),
            torch.trapz(y, dx=2), torch.trapezoid(y, torch.tensor([[0.0], [2.0]]), dim=0), torch.trapezoid(y[0])]:
    print(out)
    y.grad = x.grad = None
    out.sum().backward()
    print(y.grad, x.grad)
print(torch.trapezoid(torch.ones(2, 0)), torch.trapezoid(torch.tensor([1, 2, 4])), torch.trapz(torch.tensor([1., 2.]), dx=3))
for call in [lambda: torch.trapezoid(y, x[:2]), lambda: torch.trapezoid(y, x, dx=2.), lambda: torch.trapz(y, x, dx=2.),
             lambda: torch.trapezoid(y, dx=True), lambda: torch.trapezoid(torch.tensor(2.)), lambda: torch.nanmean(torch.tensor([1, 2]))]:
    try:
        call()
    except Exception as e:
        print(type(e).__name__, e)
print(torch.logspace(0, 2, 3), torch.logspace(0, 3, 4, base=2), torch.logspace(-1, 1.5, 6), torch.logspace(0, 1, 3, dtype=torch.float64))
print(torch.logspace(0, 3, 4, dtype=torch.int64), torch.logspace(1, 1, 1), torch.logspace(0, 1, 0), torch.logspace(-2, 2, 5, base=0.5))
""",
    "meshgrid, broadcast_tensors, atleast_1d/2d/3d and comparison spellings": """
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([4.0, 5.0], requires_grad=True)
for grids in [torch.meshgrid(x, y, indexing="ij"), torch.meshgrid(x, y, indexing="xy"), torch.meshgrid([x, y, x], indexing="xy"),
              torch.meshgrid(x, indexing="ij"), torch.meshgrid(torch.tensor(2.0), y, indexing="xy")]:
    print(grids, [g.shape for g in grids])
X, Y = torch.meshgrid(x, y, indexing="xy")
(X * Y).sum().backward()
print(x.grad, y.grad)
print(torch.broadcast_tensors(x, y[:1]), torch.broadcast_tensors(torch.ones(2, 1), x)[0].shape)
print(torch.atleast_1d(torch.tensor(2.0, requires_grad=True)), torch.atleast_2d(x), torch.atleast_3d(x), torch.atleast_3d(torch.ones(2, 2)).shape)
print(torch.atleast_1d(x, torch.tensor(1.0)), torch.atleast_2d([x, y]), torch.atleast_1d(x) is x, torch.atleast_3d(torch.tensor(1.0)).shape)
print(torch.greater(x, 2), torch.greater_equal(x, 2), torch.less(x, 2), torch.less_equal(x, 2), torch.not_equal(x, 2))
print(x.greater(1.5), x.less_equal(y[0]), torch.positive(x), x.positive())
for call in [lambda: torch.meshgrid(x, y.double(), indexing="ij"), lambda: torch.meshgrid(x, y, indexing="xx"), lambda: torch.meshgrid(indexing="ij"), lambda: torch.broadcast_tensors(x, y),
             lambda: torch.positive(torch.tensor([True])), lambda: torch.atleast_1d(3)]:
    try:
        call()
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0])
grid = torch.meshgrid(x, y)
print(grid[0].shape)
""",
    "arange's keyword forms": """
import torch
print(torch.arange(start=1, end=4), torch.arange(end=3), torch.arange(5), torch.arange(1, 4), torch.arange(0, 1, step=0.25), torch.arange(start=2, end=8, step=3))
try:
    torch.arange()
except TypeError as e:
    print("TypeError:", e)
""",
    "numpy's keyword names axis= and keepdims=": """
import torch
x = torch.tensor([[1., 2.], [3., 4.]])
print(x.sum(axis=0), x.mean(axis=1, keepdims=True), torch.sum(x, axis=0), torch.cat([x, x], axis=1).shape, x.max(axis=0), torch.amax(x, axis=0), x.argmax(axis=1), x.std(axis=0), torch.softmax(x, axis=0), x.cumsum(axis=1), x.squeeze(axis=0).shape, torch.stack([x, x], axis=2).shape, x.any(axis=0))
print(torch.mean(x, axis=0, keepdims=True), x.sum(0), x.sum(dim=1, keepdim=True), torch.concat([x, x], axis=0).shape)
try:
    x.sum(dim=0, axis=0)
except TypeError as e:
    print("TypeError:", e)
""",
    "<<= and >>=": """
x = 3
x <<= 2
print(x)
x >>= 1
print(x)
y = 1 << 3 >> 1
print(y, 5 >= 3, 2 << 1, 8 >> 1)
x >>= 1; x <<= 3
print(x)
""",
    "type as a class, and an exception takes no format spec": """
try:
    1/0
except ZeroDivisionError as e:
    try:
        print(f"{e:>25}|")
    except TypeError as t:
        print("TypeError:", t)
    print(f"{e}|{e!r}")
print(type, isinstance(int, type), type(int), type(type(1)), isinstance(list, type), type(3) is int, type([]) == list, isinstance(3, type))
print(type("a").__name__, type(type).__name__ if False else "")
""",
    "torch.unique, argwhere, is_floating_point and Python's slice": """
import torch
x = torch.tensor([3, 1, 2, 3, 1])
print(torch.unique(x), x.unique(return_counts=True), torch.unique(x, return_inverse=True, return_counts=True))
f = torch.tensor([[1., 2.], [1., 2.], [0., 5.]], requires_grad=True)
u = torch.unique(f)
print(u, torch.unique(f, dim=0), torch.unique(f, dim=0, return_inverse=True))
print(torch.unique(torch.tensor([True, False, True])), torch.unique(torch.tensor([])), torch.unique(torch.tensor(2.)))
print(torch.unique(x, sorted=False), torch.unique(torch.tensor([float('nan'), 1., float('nan')])))
print(torch.argwhere(torch.tensor([[0, 1], [2, 0]])), torch.is_floating_point(f), torch.tensor([0, 3]).argwhere())
try:
    u.sum().backward()
except NotImplementedError as e:
    print("NotImplementedError:", e)
m = torch.arange(12).reshape(3, 4)
print(m[slice(1, 3)], m[(slice(None), 1)], slice(1, 2))
""",
    "integers and index lists mixed in one key, PyTorch's way": """
import torch
x = torch.arange(24.).reshape(2, 3, 4)
for r in [x[0, :, [1, 2]], x[:, 0, [1, 2]], x[[0, 1], :, 0], x[0, [1, 2]], x[0, [1, 2], :], x[1, ..., [0, 3]],
          x[0, :, torch.tensor([[1], [2]])], x[0, None, :, [1, 3]], x[[1], 1:, 2]]:
    print(r.shape, r)
y = torch.arange(24.).reshape(2, 3, 4)
y[0, :, [1, 2]] = torch.tensor([[10., 20.], [30., 40.], [50., 60.]])
print(y)
w = torch.arange(24.).reshape(2, 3, 4).requires_grad_()
w[0, :, [1, 3]].sum().backward()
print(w.grad)
z = torch.zeros(2, 3, 4)
z[1, :, [0]] = 7.
print(z[1])
""",
    "a slice written from an overlapping slice of itself": """
import torch
def t(f):
    try:
        f()
        print("ok")
    except RuntimeError as e:
        print("RuntimeError:", e)
x = torch.arange(6.)
def a():
    x[1:] = x[:-1]
t(a)
print(x)
def b():
    x[:] = x
t(b)
def c():
    x[0:2] = x[3:5]
t(c)
print(x)
y = torch.arange(4.)
def d():
    y[::2] = y[1::2]
t(d)
print(y)
m = torch.arange(6.).reshape(2, 3)
def e():
    m[0] = m[1]
t(e)
print(m)
def f():
    m[:, 0] = m[:, 0] * 2
t(f)
print(m)
""",
    "Python built-ins: hex/oct/bin/ascii, str and dict methods, argument checks": """
print(hex(255), oct(8), bin(5), hex(-1), ascii("héllo"), ascii([1, "ü"]))
print("Hello".swapcase(), "ß".casefold(), "Ab Cd".istitle(), "AB".isupper(), "ab".islower(), "prefix_x".removeprefix("prefix_"), "x.py".removesuffix(".py"), "12".isnumeric())
d = {"a": 1, "b": 2}
print(d.popitem(), d, range(0, 10, 2).index(4), range(5).count(3), range(1, 9, 2).step)
try:
    sorted()
except TypeError as e:
    print("TypeError:", e)
try:
    isinstance(1, "int")
except TypeError as e:
    print("TypeError:", e)
try:
    raise ValueError("a") from 5
except TypeError as e:
    print("TypeError:", e)
try:
    raise ValueError("a") from KeyError("k")
except ValueError as e:
    print("ValueError:", e)
try:
    raise ValueError("b") from None
except ValueError as e:
    print("ValueError:", e)
print(isinstance(1, (int, float)), isinstance("s", str), list(), tuple(), dict(), set(), sorted([3, 1]), any([]), sum([]))
""",
    "cat skips an empty 1-D tensor, as PyTorch's old rule": """
import torch
e = torch.tensor([])
r = torch.ones(1, 3)
print(torch.cat([e, r]), torch.cat([r, e, r], 0).shape, torch.cat([e, e]).shape, torch.cat([e, torch.ones(2, dtype=torch.int64)]))
x = torch.ones(2, 3, requires_grad=True)
y = torch.cat([e, x], 1)
print(y.shape, y.grad_fn.name())
y.sum().backward()
print(x.grad.shape)
print(torch.cat([e, r], dim=-1).shape, torch.cat([torch.zeros(0, 3), r]).shape, torch.cat([e.double(), r]).dtype)
try:
    print(torch.cat([e, torch.tensor(1.)]))
except RuntimeError as ex:
    print("RuntimeError:", ex)
out = torch.tensor([])
for i in range(3):
    out = torch.cat([out, torch.full((1, 2), float(i))])
print(out)
ee = torch.tensor([], requires_grad=True)
z = torch.cat([ee, x])
z.sum().backward()
print(ee.grad)
""",
    "Tensor.to(other) and copy=": """
import torch
x = torch.ones(2, requires_grad=True)
print(x.to(torch.ones(1, dtype=torch.float64)).dtype, x.to(torch.ones(1, dtype=torch.int64), copy=True).dtype, x.to("cpu", torch.int32).dtype, x.to(dtype=torch.bool).dtype)
y = x.to(torch.float32)
c = x.to(torch.float32, copy=True)
print(y is x, c is x, c.grad_fn.name(), x.to(torch.float64).grad_fn.name(), x.to("cpu") is x, x.to(copy=True) is x)
c.sum().backward()
print(x.grad)
""",
    "arange with an integer dtype and float bounds": """
import torch
for args in [(5.5,), (0, 5, 1.5), (0.5, 5.2), (-2.5, 3, 1.7), (5,), (1, 10, 3), (10, 0, -3), (0, 5, 0.5)]:
    for dt in [torch.int64, torch.int32]:
        try:
            print(args, dt, torch.arange(*args, dtype=dt))
        except (RuntimeError, ValueError) as e:
            print(args, dt, type(e).__name__, e)
print(torch.arange(5), torch.arange(0, 1, 0.25), torch.arange(3, dtype=torch.float64))
""",
    "keyword-only parameters after defaults": """
def f(a, b=2, *, c):
    return (a, b, c)
print(f(1, c=3), f(1, 5, c=3), f(a=1, c=2))
def g(a, *, c, d, e=5):
    return a, c, d, e
for call in [lambda: g(1), lambda: g(1, c=1), lambda: g(), lambda: f(c=1)]:
    try:
        print(call())
    except TypeError as err:
        print("TypeError:", err)
def h(a, b=1, *rest, k=2, **kw):
    return a, b, rest, k, kw
print(h(1), h(1, 2, 3, 4, k=5, z=6), h(a=0))
""",
    "% formatting of big numbers and widths": """
print('%d' % 10**9, 'order 123456789012: %s' % 'ok', '%5.2f|%-8s|%*d' % (3.14159, 'ab', 6, 42), '%(a)s %(b)05d' % {'a': 1, 'b': 7}, '100%% %s' % 'x')
print('%.3e %x %o %r' % (12345.678, 255, 8, 'q'), '%s' % (10**12,), '%c' % 65)
""",
    "type() of a caught exception is its class": """
try:
    int("x")
except ValueError as e:
    print(type(e) is ValueError, type(e) == ValueError, type(e), type(e).__name__, {ValueError: 1}.get(type(e)))
try:
    {}[1]
except Exception as e:
    print(type(e), type(e) is KeyError, type(e).__name__, e.__class__.__name__)
print(type(ValueError("a")), isinstance(ValueError("a"), Exception))
""",
    "an except clause's name goes with the handler": """
try:
    1 / 0
except ZeroDivisionError as e:
    print("caught", e)
try:
    print(e)
except NameError as err:
    print("NameError:", err)
def f():
    try:
        raise ValueError("v")
    except ValueError as e:
        return str(e)
print(f())
e = 5
try:
    [][1]
except IndexError as e:
    pass
print("e" in globals() if False else "")
try:
    e
except NameError as err2:
    print("gone:", err2)
""",
    "nll_loss saves its input": """
import torch
import torch.nn.functional as F
x = torch.tensor([[0.7, 1.3]], requires_grad=True)
l = F.nll_loss(x, torch.tensor([1]))
l.backward(retain_graph=False)
try:
    l.backward()
    print("second ok", x.grad)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:80])
l2 = F.cross_entropy(x, torch.tensor([1]))
l2.backward()
try:
    l2.backward()
    print("second ok")
except RuntimeError as e:
    print("RuntimeError:", str(e)[:80])
x = torch.tensor([[0.7, 1.3]], requires_grad=True)
l = F.nll_loss(x, torch.tensor([1]))
g, = torch.autograd.grad(l, x, create_graph=True)
print(g, g.requires_grad)
print(torch.autograd.grad(g.sum(), x))
l = F.nll_loss(x, torch.tensor([1]))
l.backward(create_graph=True)
print(x.grad, x.grad.requires_grad)
y = torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], requires_grad=True)
l = F.nll_loss(y, torch.tensor([2, 0]), weight=torch.tensor([1., 2., 3.]))
l.backward()
print(y.grad)
z = torch.tensor([[0.2, 0.5]], requires_grad=True) * 1
l = F.nll_loss(z, torch.tensor([0]))
with torch.no_grad():
    z.mul_(2)
try:
    l.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:90])
""",
    "a view made under no_grad changed in place with grad on": """
import torch
def t(f):
    try:
        f()
        print('ok')
    except RuntimeError as e:
        print("RuntimeError:", e)
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 1
with torch.no_grad():
    v = y[:1]
print(v.requires_grad)
t(lambda: v.mul_(2))
with torch.no_grad():
    v2 = x[:1]
t(lambda: v2.mul_(2))
a = torch.tensor([1., 2.])
with torch.no_grad():
    va = a[:1]
t(lambda: va.mul_(2))
with torch.no_grad():
    va2 = a[:1]
t(lambda: va2.copy_(x[:1]))
with torch.no_grad():
    v3 = y[:1]
with torch.no_grad():
    v3.mul_(2)
print('inside no_grad ok', y)
with torch.no_grad():
    v4 = y.view(2)
t(lambda: v4.add_(1))
with torch.no_grad():
    v5 = y.detach()[:1]
t(lambda: v5.add_(1))
with torch.no_grad():
    v6 = x[:1]
w = v6[:1]
t(lambda: w.mul_(2))
def inc():
    v6.add_(1)
t(inc)
""",
    "torch.rsub with and without alpha": """
import torch
x = torch.tensor([0.7, 1.3], requires_grad=True); e = torch.tensor([1.2, 0.4], requires_grad=True)
y = torch.rsub(x, e)
print(y, y.grad_fn.name())
z = torch.rsub(x, e, alpha=3)
print(z, z.grad_fn.name())
z.sum().backward()
print(x.grad, e.grad)
w = torch.rsub(x, 2)
print(w, w.grad_fn.name(), (2 - x).grad_fn.name(), torch.rsub(x, 2, alpha=2))
print(torch.rsub(torch.tensor([1, 2]), torch.tensor([5, 5]), alpha=2))
""",
    "type() of torch's objects": """
import torch
print(type(torch.float32), type(torch.zeros(1).device), type(torch.tensor([3.,1.]).max(0)))
print(type(torch.tensor([3.,1.]).sort()), type(torch.tensor([3.,1.]).topk(1)), type(torch.tensor([3.,1.]).min(0)), type(torch.tensor([3.,1.]).median(0)))
print(type(torch.no_grad()), type(torch.enable_grad()), type(torch.set_grad_enabled(True)))
print(type(torch.manual_seed(0)), type(torch.zeros(2).numpy()), type(torch.zeros(2).dtype).__name__)
w = torch.tensor([1.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
print(type(opt), type(torch.optim.Adam([w])), type(torch.optim.lr_scheduler.StepLR(opt, 1)), type(torch.Size([1])))
for bad in [lambda: torch.float32.foo, lambda: torch.zeros(2).shape.foo, lambda: torch.tensor([3., 1.]).max(0).foo]:
    try:
        bad()
    except AttributeError as e:
        print("AttributeError:", e)
""",
    "argument checks: hook dtype, set_grad_enabled, .data, unknown keywords": """
import torch
x = torch.tensor([2., 3.], requires_grad=True)
x.register_hook(lambda g: g.double())
try:
    (x * 1).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.set_grad_enabled("yes")
except TypeError as e:
    print("TypeError:", e)
print(torch.is_grad_enabled())
y = torch.ones(2)
try:
    y.data = [1., 2.]
except TypeError as e:
    print("TypeError:", e)
try:
    torch.exp(y, foo=1)
except TypeError as e:
    print("TypeError:", e)
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
""",
    "a 0-d integer tensor indexes as an integer": """
import torch
x = torch.tensor([1., 2., 3.])
v = x[torch.tensor(1)]
v += 10
print(x, v)
m = torch.arange(6.).reshape(2, 3)
r = m[torch.tensor(1)]
r[0] = 5.
print(m)
y = torch.tensor([0.7, 1.3], requires_grad=True) * 1
v = y[torch.tensor(1)]
print(v.grad_fn.name())
v.mul_(2)
print(y)
print(m[torch.tensor(1), torch.tensor(2)], m[torch.tensor(-1)], m[:, torch.tensor(0)], m[torch.tensor(0), [0, 2]])
print(m[torch.tensor([1])], m[torch.tensor(True)].shape)
try:
    m[torch.tensor(5)]
except IndexError as e:
    print("IndexError:", e)
""",
    "expand to the same shape is a view": """
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = x.expand(2)
y.register_hook(lambda g: g * 100)
(x * 2).sum().backward()
print(y is x, y.grad_fn.name(), x.grad)
z = x.expand_as(torch.zeros(2))
w = torch.broadcast_to(x, (2,))
print(z.grad_fn.name(), w.grad_fn.name(), x.expand(-1).grad_fn.name())
(z * 3).sum().backward()
print(x.grad)
try:
    y.requires_grad_(False)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    y.mul_(2)
except RuntimeError as e:
    print("RuntimeError:", e)
a = torch.zeros(2)
b = a.expand(2)
b += 1
print(a, b, b._version if False else "")
""",
    "print options with no (or negative) edge items": """
import torch
torch.set_printoptions(edgeitems=0, threshold=3)
print(torch.arange(10)); print(torch.arange(24).reshape(2,3,4)); print(torch.ones(2,5, dtype=torch.float64, requires_grad=True)); print(torch.ones(2)); print(torch.ones(5,2)); print(torch.ones(0,3)); print(torch.tensor(2.5))
print(torch.ones(5,2, requires_grad=True)*2)
torch.set_printoptions(edgeitems=0, threshold=1000)
print(torch.arange(10)); print(torch.tensor(2.5)); print(torch.ones(2,2,dtype=torch.int32))
torch.set_printoptions(edgeitems=-1, threshold=3); print(torch.arange(10))
torch.set_printoptions(edgeitems=1, threshold=3); print(torch.arange(12).reshape(3,4))
torch.set_printoptions(edgeitems=2, threshold=10); print(torch.arange(60).reshape(3,4,5)*1.5)
torch.set_printoptions(profile="default"); print(torch.arange(2000.))
""",
    "UnboundLocalError": """
x = 1
def f():
    x += 1
try:
    f()
except UnboundLocalError as e:
    print("UnboundLocalError:", e, isinstance(e, NameError), type(e).__name__)
try:
    f()
except NameError as e:
    print("NameError:", repr(e))
def g():
    print(y)
    y = 2
try:
    g()
except Exception as e:
    print(type(e).__name__, e)
""",
    "Python's exceptions: classes, arguments and reprs": """
print(repr(ValueError()), repr(ValueError('a', 1)), repr(ValueError(3)), repr(ValueError(None)))
try:
    raise ValueError(3)
except ValueError as e:
    print(e.args, str(e), e)
print(str(KeyError('k')), str(KeyError('')), repr(KeyError()))
try:
    {}['missing']
except KeyError as e:
    print(e, repr(e), e.args)
try:
    {}[1.5]
except KeyError as e:
    print(repr(e))
print([Exception('a')], {'e': Exception('a')}, [ArithmeticError('a')], [LookupError('b')])
print(isinstance(Exception('a'), RuntimeError), isinstance(ZeroDivisionError('x'), ArithmeticError))
try:
    raise LookupError('x')
except RuntimeError:
    print('RT')
except LookupError as e:
    print('LE', repr(e))
try:
    raise ArithmeticError
except Exception as e:
    print(repr(e), type(e))
try:
    1/0
except ArithmeticError as e:
    print("caught", repr(e), e.args)
try:
    [][3]
except LookupError as e:
    print("lookup", repr(e), [e])
try:
    assert False
except AssertionError as e:
    print(repr(e), e.args)
try:
    raise Exception("a", "b")
except Exception as e:
    print(e, repr(e), e.args)
print(str(ValueError(1, 2)), ValueError([1]), repr(RuntimeError("x")))
""",
    "view of any layout is ViewBackward0": """
import torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
for y in [x.t().view(2, 2), x[:, 1].view(2, 1), x.t().view_as(x), x.t().view(-1, 2), x.view(4), x.t().reshape(2, 2),
          x.t().reshape(4)]:
    print(y, y.grad_fn.name())
x.t().view(2, 2).sum().backward()
print(x.grad)
""",
    "torch.Size slices, sums and repeats": """
import torch
x = torch.ones(2, 3, 4)
s = x.shape
print(s[1:], s[::-1], s[0], s + (5,), (1,) + s, s * 2, 2 * s, s + s, s[:0], torch.zeros(s[1:]).shape)
print(x.view(s[:1] + (-1,)).shape, x.size()[-2:], type(s[1:]), type(s + (1,)), s[1:] == (3, 4))
try:
    s + [1]
except TypeError as e:
    print("TypeError:", e)
""",
    "torch.nn layers trained with an optimizer": """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
print(model)
print(model[0].weight, model[2].bias)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
Y = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
loss_fn = nn.MSELoss()
for step in range(30):
    opt.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    opt.step()
print(loss, model[0].weight.grad, model(X))
print(model(X).grad_fn.name(), model[0](torch.ones(2)).grad_fn.name(), model[0](torch.ones(3, 4, 2)).shape)
print([name for name, p in model.named_parameters()], len(list(model.parameters())))
model.zero_grad()
print(model[0].weight.grad, model.training, model.eval().training, model[1].training)
for layer in model:
    print(type(layer), isinstance(layer, nn.Module), isinstance(layer, nn.Linear))
print(model.requires_grad_(False)[0].bias.requires_grad, model[0:2], model[-1])
""",
    "torch.nn.Parameter": """
import torch
import torch.nn as nn
p = nn.Parameter(torch.tensor([1.0, 2.0]))
print(p, str(p), f"{p}", [p], p.is_leaf, p.requires_grad, type(p))
print(nn.Parameter(torch.ones(2), requires_grad=False), nn.Parameter(torch.tensor(3.0)))
q = p * 3
print(q, type(q), isinstance(q, nn.Parameter), isinstance(p, nn.Parameter), isinstance(p, torch.Tensor))
q.sum().backward()
print(p.grad, type(p.detach()), type(p.data), p.data)
with torch.no_grad():
    p -= 0.5 * p.grad
print(p, type(p))
""",
    "torch.nn layer printing and initialisers": """
import torch
import torch.nn as nn
torch.manual_seed(3)
for m in [nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.LeakyReLU(), nn.LeakyReLU(0.2, inplace=True), nn.Softmax(dim=1),
          nn.Softmax(), nn.LogSoftmax(dim=-1), nn.Identity(), nn.Flatten(), nn.GELU(), nn.ELU(alpha=0.5),
          nn.Softplus(beta=2.0), nn.SiLU(), nn.ReLU(inplace=True), nn.Linear(2, 3, bias=False), nn.MSELoss(),
          nn.CrossEntropyLoss(), nn.Sequential()]:
    print(m, type(m), list(m.parameters()))
layer = nn.Linear(4, 3, dtype=torch.float64)
print(layer.weight, layer.in_features, layer.out_features)
nn.init.zeros_(layer.bias)
w = torch.empty(3, 5)
print(nn.init.xavier_uniform_(w), nn.init.kaiming_uniform_(w, a=0.1), nn.init.uniform_(w, -1, 1))
print(nn.init.calculate_gain('tanh'), nn.init.calculate_gain('leaky_relu', 0.2), nn.init.constant_(w, 0.25))
x = torch.tensor([[1.0, -2.0, 3.0]])
# (not GELU's values: PyTorch's vectorised erf is an approximation, a last bit off at times)
print(nn.Softmax(dim=1)(x), nn.LeakyReLU(0.1)(x), nn.Flatten(0)(x), nn.Softplus()(x), nn.ELU()(x), nn.SiLU()(x))
""",
    "legacy typed constructors": """
import torch
a = torch.FloatTensor([1, 2, 3])
b = torch.LongTensor([1.7, 2.2])
c = torch.DoubleTensor(2, 2).shape  # its values are uninitialised memory in PyTorch
print(a, b, c, torch.BoolTensor([1, 0]), torch.IntTensor([3]), torch.FloatTensor())
a.requires_grad_()
(a * a).sum().backward()
print(a.grad, torch.Tensor([[1, 2]]), torch.Tensor(2, 3).shape)
""",
    "learning-rate schedules": """
import torch
w = torch.tensor([1.0, -2.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.5)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for epoch in range(5):
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    opt.step()
    sched.step()
    print(epoch, sched.get_last_lr(), w, sched.last_epoch)
print(opt)
v = torch.tensor([3.0], requires_grad=True)
opt2 = torch.optim.Adam([v], lr=0.1)
ex = torch.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.9)
ex.step()
for i in range(3):
    opt2.zero_grad(); (v ** 2).sum().backward(); opt2.step(); ex.step()
print(ex.get_last_lr(), v, ex.base_lrs)
""",
    "RMSprop and Adagrad fitting a line": """
import torch
def fit(make, steps=6):
    torch.manual_seed(0)
    w = torch.randn(3, requires_grad=True); b = torch.zeros(1, requires_grad=True)
    x = torch.linspace(-1, 1, 12).reshape(4, 3); y = torch.tensor([1., -1., 0.5, 2.])
    opt = make([w, b])
    for i in range(steps):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
    print(type(opt).__name__, f"{loss.item():.6f}", w, b)
    return opt
print(fit(lambda p: torch.optim.RMSprop(p)))
fit(lambda p: torch.optim.RMSprop(p, lr=0.05, momentum=0.9, centered=True, weight_decay=0.01))
fit(lambda p: torch.optim.RMSprop(p, lr=0.02, alpha=0.9, maximize=True))
o = fit(lambda p: torch.optim.Adagrad(p))
print(sorted(o.state[o.param_groups[0]["params"][0]].keys()))
fit(lambda p: torch.optim.Adagrad(p, lr=0.5, lr_decay=0.1, weight_decay=0.01, initial_accumulator_value=0.1))
print(torch.optim.Adagrad([torch.zeros(2, requires_grad=True)]))
for f in (lambda: torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], alpha=-1), lambda: torch.optim.Adagrad([torch.zeros(1, requires_grad=True)], lr_decay=-1), lambda: torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], lr=-1)):
    try: f()
    except ValueError as e: print("ValueError", e)
""",
    "indexing with a range, as CS231n's softmax does": """
import torch
p = torch.arange(12.).reshape(3, 4).requires_grad_()
y = torch.tensor([0, 3, 1])
print(p[range(3), y], p[range(3)], p[range(0, 3, 2), 1:3], p[:, range(2)])
(p[range(3), y] * 2).sum().backward()
print(p.grad)
q = torch.zeros(3, 4)
q[range(3), y] = 1.
q[range(2)] -= 0.5
print(q, p[range(0)], p[[]].shape)
""",
    "augmented floor division, remainder and power on tensors": """
import torch
x = torch.tensor([1.5, 3.0], requires_grad=True)
y = x * 2
z = y
y **= 2
y //= 3
print(y, z is y)
w = torch.tensor([5., 7.])
w %= 3
print(w)
try:
    x //= 2
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.div(torch.ones(2), 2, rounding_mode="round")
except RuntimeError as e:
    print("RuntimeError", e)
""",
    "built-in types are the types": """
print(type(()) is tuple, type([]) is list, type({}) is dict, type('') is str, type(set()) is set, type([]) == list)
print(type([]), type('a')(5), type([1])((1, 2)), list, str, type(3) is int)
s = {1, 2}
try:
    for v in s:
        s.add(v + 5)
except RuntimeError as e:
    print("RuntimeError", e)
d = {1: 2}
try:
    for k in d:
        d[k + 1] = 0
except RuntimeError as e:
    print("RuntimeError", e)
print(max(range(5)), min([3, 1]), max(1, 2), min("ab"))
""",
    "devices, the legacy constructor and seeded random numbers": """
import torch
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device", torch.cuda.device_count())
d = torch.device("cpu")
x = torch.ones(2, device=d)
print(d, repr(d), torch.device("cuda:1"), repr(torch.device("cuda", 0)), x.to(d), x.device == d)
try:
    x.to("cuda")
except AssertionError as e:
    print("AssertionError", e)
with torch.inference_mode():
    y = torch.ones(2, requires_grad=True) * 2
print(y.requires_grad)
w = torch.Tensor([1, 2, 3])
w.requires_grad_()
(w * w).sum().backward()
print(w.grad, torch.Tensor(2, 3).shape, torch.Tensor(), torch.Tensor([[1, 2]]).dtype)
torch.manual_seed(0)
a, b = torch.randn((), requires_grad=True), torch.randn(3, dtype=torch.float64)
print(a, b, torch.rand(2, 2), torch.randint(0, 10, (4,)), torch.randperm(6))
""",
    "an optimizer loop": """
import torch
x = torch.tensor(6.7)
y = torch.tensor(0.0)
w = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
optimizer = torch.optim.SGD([w, b], lr=0.1, momentum=0.5)
print(optimizer)
for step in range(5):
    optimizer.zero_grad()
    p = torch.clamp(torch.sigmoid(w * x + b), 1e-8, 1 - 1e-8)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
    loss.backward()
    optimizer.step()
    print(step, f"{loss.item():.4f}", w, b.grad)
optimizer.param_groups[0]["lr"] = 0.01
optimizer.zero_grad()
print(w.grad, optimizer.param_groups[0]["lr"], optimizer.state[w]["momentum_buffer"])
""",
    "an Adam loop fitting a line": """
import torch
torch.manual_seed(0)
x = torch.linspace(-1, 1, 20)
y = 3 * x - 0.5
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.Adam([w, b], lr=0.1)
for step in range(60):
    optimizer.zero_grad()
    loss = ((w * x + b - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    if step % 20 == 0:
        print(step, f"{loss.item():.3f}")
print(f"w={w.item():.2f} b={b.item():.2f}", optimizer.state[w]["step"])
print(torch.optim.AdamW([w], lr=0.01))
""",
    "decorators, torch.no_grad() among them": """
import torch

@torch.no_grad()
def add_tensors(x, y):
    return x + y

def twice(f):
    def g(x):
        return f(f(x))
    return g

def tag(label):
    print("making", label)
    def decorate(f):
        print("decorating with", label)
        return f
    return decorate

@tag("outer")
@tag("inner")
@twice
def inc(x):
    return x + 1

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3
c = add_tensors(a, b)
print(c, c.requires_grad, inc(3), (a + b).requires_grad)

@torch.no_grad
def doubled(x):
    return x * 2

print(doubled(a), doubled(a).requires_grad)
""",
    "PyTorch's forward-mode AD tutorial, its dual tensors": """
import torch
import torch.autograd.forward_ad as fwAD

primal = torch.randn(10, 10) * 0 + torch.arange(10.)
tangent = torch.ones(10, 10) * 0.5

def fn(x, y):
    return x ** 2 + y ** 2

with fwAD.dual_level() as level:
    dual_input = fwAD.make_dual(primal[0], tangent[0])
    print(level, dual_input)
    print(dual_input.sin().exp())
    dual_output = fn(dual_input, tangent[0])
    jvp = fwAD.unpack_dual(dual_output).tangent
    print(fwAD.unpack_dual(dual_output), jvp)
    p, t = fwAD.unpack_dual(dual_output)
    print(p, t, fwAD.unpack_dual(primal[1]))
    s = fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))
    print(s * s, (s * s).exp(), fwAD.make_dual(primal[:2, :2], tangent[:2, :2]) @ primal[:2, :2])
    try:
        with fwAD.dual_level():
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)
    for bad in (torch.tensor([1]), torch.tensor([1.0, 2.0])):
        try:
            fwAD.make_dual(torch.tensor([1.0]), bad)
        except (RuntimeError, ValueError) as e:
            print(type(e).__name__, e)
    try:
        fwAD.make_dual(dual_input, tangent[0])
    except RuntimeError as e:
        print("RuntimeError:", e)
    try:
        fwAD.unpack_dual(dual_input, level=1)
    except RuntimeError as e:
        print("RuntimeError:", e)
print(fwAD.unpack_dual(dual_output), dual_output)
try:
    fwAD.make_dual(primal, tangent)
except RuntimeError as e:
    print("RuntimeError:", e)
""",
    "PyTorch's own autograd tutorial": """
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.ones(5, 3, requires_grad=True) * 0.1
w.retain_grad()
b = torch.linspace(-1, 1, 3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for loss = {type(loss.grad_fn).__name__}")
loss.backward()
print(w.grad)
print(b.grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad, z.detach().requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
""",
    "builtin max and min compare": """
import torch
x = torch.tensor(-3.0, requires_grad=True)
print(max(x, 0), min(x, 0))
b = torch.tensor(3.0)
print(max(b, 2.0))
a, c, d = torch.tensor(1., requires_grad=True), torch.tensor(2., requires_grad=True), torch.tensor(3.)
print(max(a, d, c), min(a, d), max([3, 1, 2]), max(torch.tensor([1., 5., 2.])))
""",
    "main guard and exception names": """
import torch

def main():
    try:
        torch.tensor([1., 2.]) @ torch.tensor([1., 2., 3.])
    except RuntimeError as e:
        print(type(e).__name__, e.__class__.__name__, type(e))
    print(type(1).__name__, type(torch.tensor(1.)).__name__, main.__name__)

if __name__ == "__main__":
    main()
""",
    "warnings once per place": """
import torch
x = torch.tensor([1.0], requires_grad=True)
y = x * 2
for i in range(3):
    print(y.grad)

def read(t):
    return t.grad

read(y); read(y)
print(y.grad)
""",
    "converting to a scalar warns once": """
import torch
import math
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(float(x[0]), "%.2f" % x[1], math.sqrt(x[1]), int(x[0]), x[0].item(), f"{x[1]:.1f}")
print(torch.tensor([x[0] * 2, x[1]]))
""",
    "a classifier's loss: cross_entropy, MSELoss and split": """
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [0.0, 1.0, 1.0], [2.0, -2.0, 0.5]], requires_grad=True)
labels = torch.tensor([2, 0, 1, 0])
loss_fn = nn.CrossEntropyLoss()
print(loss_fn, loss_fn.reduction)
loss = loss_fn(x, labels)
print(loss)
loss.backward()
print(x.grad)
print(F.cross_entropy(x, labels, reduction="none"))
print(F.nll_loss(F.log_softmax(x, dim=1), labels, reduction="sum"))
first, second = x.split(2)
print(first.shape, second.shape, first.grad_fn.name())
mse = nn.MSELoss(reduction="sum")
print(mse, mse(first, second))
for i, piece in enumerate(x.detach().chunk(2, dim=1)):
    print(i, piece.std(), piece.var(dim=0, unbiased=False))
print(x.select(1, 0), x.narrow(0, 1, 2).unbind())
bce = nn.BCELoss()
print(bce(torch.sigmoid(x[:, 0]), torch.tensor([1.0, 0.0, 1.0, 1.0])))
try:
    loss_fn(x)
except TypeError as e:
    print("TypeError:", e)
print(isinstance(loss_fn, nn.CrossEntropyLoss), callable(mse))
""",
    "allclose and hasattr": """
import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = (a * 3).sum()
b.backward()
print(torch.allclose(a.grad, torch.tensor([3.0, 3.0])), torch.isclose(a.grad, torch.tensor([3.0, 2.0])))
print(hasattr(a, "grad"), hasattr(torch, "no_grad"), hasattr(torch, "not_there"), hasattr(b.grad_fn, "name"))
""",
    "gradient hooks": """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)

def show(grad):
    print("gradient reaching x:", grad)
    return grad * 2

handle = x.register_hook(show)
y = x * x
y.register_hook(lambda g: print("gradient reaching y:", g))
y.sum().backward()
print(x.grad)
handle.remove()
x.grad.zero_()
(x * x).sum().backward()
print(x.grad)
""",
    "numpy for printing": """
import torch
x = torch.tensor([1.0, 2.5, 3.0], requires_grad=True)
(x ** 2).sum().backward()
print(x.grad.numpy())
a = x.detach().numpy()
print(a, a.shape, a.dtype, a.tolist(), a[1], len(a), [v for v in a], a.ndim, a.size)
print(repr(a), torch.ones(2, 2).numpy())
try:
    x.numpy()
except RuntimeError as e:
    print("error:", e)
""",
}


def _warnings(stderr: str) -> list[str]:
    found = []
    for line in stderr.splitlines():
        match = _WARNING.search(line)
        if match:
            found.append(f"{match.group(1)}: {_TRIGGERED.sub('', match.group(2))}")
    return found


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_pasted_script_runs_as_under_pytorch(name, tmp_path, torch):
    script = tmp_path / "pasted.py"
    script.write_text(SCRIPTS[name].lstrip())
    python = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert python.returncode == 0, python.stderr
    ours = gradlang(str(script))
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == python.stdout
    assert _warnings(ours.stderr) == _warnings(python.stderr)
