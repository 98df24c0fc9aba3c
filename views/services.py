"""Services: the PMO's menu, demand against capacity, satisfaction, what customers value and
pay for, who uses what, and what they ask for that the menu does not offer."""

import streamlit as st

from pmo_data import ui
from pmo_data.ui.sections import services as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Services",
    f"Viewing as {viewer.label}. The PMO as a restaurant with a menu: each service, the skills "
    "behind it, whether there are enough people for the demand, and what customers value and "
    "will pay for.",
)
ui.require_data("services")
currency = sec.currency()

summary = sec.kpis(viewer, filters)
if not summary["services"]:
    st.info("No services in this view: widen the filters or choose another person.")
    st.stop()

st.subheader("The menu")
sec.menu(viewer, filters, currency)

st.subheader("Demand against capacity")
sec.demand(viewer, filters)

st.subheader("Look closer")
st.caption("Choose one: each is computed when opened.")
ui.lazy_sections(
    "se_closer",
    {
        "Skills behind the shortfall": lambda: sec.skills(viewer, filters),
        "Demand per month": lambda: sec.demand_per_month(viewer, filters),
        "Satisfaction per service": lambda: sec.satisfaction(viewer, filters),
        "What customers value and pay for": lambda: sec.value(viewer, filters, currency),
        "Who uses which service": lambda: sec.segments(viewer, filters),
        "Gaps in the menu": lambda: sec.gaps(viewer, filters),
    },
    closed=True,
)
