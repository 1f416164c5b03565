"""Scheduled jobs of 建议提案: NPC suggestions and CPPCC proposals, replies, ratings and KPIs."""
