from . import utm_campaign
