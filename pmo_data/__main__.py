"""`python -m pmo_data`: see `pmo_data.cli`."""

import sys

from .cli import main

sys.exit(main())
