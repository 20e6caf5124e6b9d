"""``python -m voiceguide.bench [--quick] [--engine ...] [--out DIR]``."""

from .cli import main

raise SystemExit(main())
