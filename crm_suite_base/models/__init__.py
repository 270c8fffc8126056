from . import write_policy_mixin
from . import write_policy
from . import sale_revision_mixin
from . import base_unlink
from . import ir_default
from . import mail_thread
from . import mail_alias
