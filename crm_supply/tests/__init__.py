from . import test_reservation
from . import test_supply
from . import test_race
from . import test_demo
from . import test_status_batch
from . import test_tour
from . import test_policy
from . import test_i18n
