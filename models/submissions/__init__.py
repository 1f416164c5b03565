"""Domain model and rules of 信息报送: collection tasks sent to units, their submissions (text or
a structured 值班表), 催报 and the merged result.

A holiday duty roster (值班表报备) is a collection task of kind ``roster`` with a form; there is
one mechanism, not two.
"""

from bot.core.scope import unit_scope

#: Who sees which tasks: liaisons those sent to their own unit, every other role all.
SCOPE = unit_scope("报送任务")
