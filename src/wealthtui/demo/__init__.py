"""Made-up centers: the demo center (`wealthtui demo`) and large synthetic ones (`wealthtui gen`).

Generators of people (names, ID numbers, phones, cards) and clients are shared by both; the demo's
previous day is worked through the real services, the synthetic history is written in bulk.
"""

from wealthtui.demo.accounts import DEMO_STAFF, GENERATED_STAFF_PIN, DemoAccount, demo_accounts

__all__ = ["DEMO_STAFF", "GENERATED_STAFF_PIN", "DemoAccount", "demo_accounts"]
