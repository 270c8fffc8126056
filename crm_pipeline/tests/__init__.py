from . import test_security
from . import test_crm_interaction
from . import test_crm_task
from . import test_interaction_security
from . import test_interaction_tour
from . import test_interaction_demo
