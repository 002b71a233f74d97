"""``python -m kcconf``."""

from .cli import leave, main

leave(main())
