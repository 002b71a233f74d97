"""``python -m kcconf``."""

from .cli import main

raise SystemExit(main())
