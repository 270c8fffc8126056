from . import test_campaign_mailing
from . import test_mailing_reply_lead
