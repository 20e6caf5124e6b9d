"""``python -m bench [--quick] [--engine ...] [--out DIR]``, from the repository's root."""

from .cli import main

raise SystemExit(main())
