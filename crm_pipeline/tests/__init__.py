from . import test_security
from . import test_activation
from . import test_responsibility_chain
from . import test_one_open_race
from . import test_timeline
from . import test_responsibility_security
from . import test_tour
