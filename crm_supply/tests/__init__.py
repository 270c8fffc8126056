from . import test_reservation
