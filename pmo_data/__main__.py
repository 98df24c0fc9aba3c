"""`python -m pmo_data`: see `pmo_data.cli`."""

import sys

from pmo_data.cli import main

sys.exit(main())
