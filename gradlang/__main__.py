"""`python -m gradlang` is the `gradlang` command."""

import sys

from .cli import main

sys.exit(main())
