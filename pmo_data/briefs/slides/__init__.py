"""One function per slide: each calls the same model the page calls (never a second
computation) and turns its result into tiles, tables, charts and sentences formatted as the
page formats them. `packs.py` decides which slides each stakeholder group gets.

Every model is called through the viewer and filters of the brief, so the scope of a brief is
the scope of the pages: an account lead's brief names only their customers.
"""

from pmo_data.briefs.slides.context import (  # noqa: F401 (the slides, one namespace for packs)
    MAX_ROWS,
    MAX_ROWS_FULL,
    TOP_PROJECTS,
    TOP_RISKS,
    Context,
    _date,
    _pct,
    _sentence,
    _stage,
)
from pmo_data.briefs.slides.customers import (  # noqa: F401 (the slides, one namespace for packs)
    _trend_sentence,
    actions_and_feedback,
    customer_charts_slide,
    customer_health,
    satisfaction,
)
from pmo_data.briefs.slides.portfolio import (  # noqa: F401 (the slides, one namespace for packs)
    _project_rows,
    _rag_first,
    my_projects,
    prioritisation,
    project_benefits,
    rag_and_nps,
    rag_mix,
    top_risks,
)
from pmo_data.briefs.slides.record import (  # noqa: F401 (the slides, one namespace for packs)
    data_quality,
    empty_store,
    old_data,
    provenance,
    what_changed,
)
from pmo_data.briefs.slides.services import (  # noqa: F401 (the slides, one namespace for packs)
    demand_capacity,
    maturity_stage,
    service_satisfaction,
)
from pmo_data.briefs.slides.value import (  # noqa: F401 (the slides, one namespace for packs)
    headline,
    savings_range,
    value_delivered,
)
