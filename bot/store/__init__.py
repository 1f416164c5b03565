"""The storage kernel.

Engines, migrations, inbox, outbox (+ files), due items, audit, dialogs, buttons.
"""
