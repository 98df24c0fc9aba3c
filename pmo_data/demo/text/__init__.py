"""Word lists, text templates and the text builders (customer names, comments) of the demo
data; `demo/generate` draws the numbers.

Kept apart so the generator reads as the model it is. Feedback comments are built from theme
phrases so the comment themes can be found again later: each theme has positive, negative and
neutral phrasings with the theme's own words (reports, delays, templates, training ...), and
several wordings each so the texts are not all identical.
"""

from pmo_data.demo.text.feedback import (  # noqa: F401 (one namespace for the generator)
    ACTION_TITLES,
    CHANNEL_P,
    CHANNELS,
    CLOSERS,
    OPENERS,
    RESPONDENT_ROLES,
    ROLE_P,
    THEME_KEYS,
    THEMES,
    _lower_first,
    _phrases,
    comments,
)
from pmo_data.demo.text.names import (  # noqa: F401 (one namespace for the generator)
    FIRST,
    INTERNAL_SUFFIX,
    INTERNAL_UNITS,
    LAST,
    REGION_P,
    REGIONS,
    SEGMENT_P,
    SEGMENT_SUFFIX,
    SEGMENTS,
    STEMS,
    customer_names,
)
from pmo_data.demo.text.portfolio import (  # noqa: F401 (one namespace for the generator)
    AREAS,
    NEW_SERVICE,
    PORTFOLIO_P,
    PORTFOLIOS,
    SERVICES,
)
from pmo_data.demo.text.savings import (  # noqa: F401 (one namespace for the generator)
    COST_POOLS,
    SAVING_CATEGORIES,
    SAVING_P,
    SAVING_SIZE,
    SAVING_SOURCES,
    SAVING_TEXT,
)
