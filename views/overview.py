"""Overview: the few numbers that matter to whoever is looking, and what changed."""

from pmo_data import ui
from pmo_data.ui.brief import download_brief
from pmo_data.ui.sections import overview as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Overview",
    f"Viewing as {viewer.label}. The metrics that matter to your group; deltas compare with "
    "the previous import for the same view and filters.",
)
ui.require_data("projects")
download_brief(viewer, filters)  # this view as slides (PowerPoint or PDF), built on click

sec.headline(viewer, filters)
sec.SECTIONS[viewer.group](viewer, filters)
