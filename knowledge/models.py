# Permanent education (PE credits, cycles, review) and the knowledge library
# arrive here in a later issue; see DESIGN.md.
from knowledge.pe_models import *  # noqa
