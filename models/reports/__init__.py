"""Domain model and rules of 督查通报.

The weekly/monthly report over 督办, 建议提案 and 12345, as text, chart and workbook.
"""
