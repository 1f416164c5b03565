"""信息报送 jobs: 催报 before and after the deadline, and opening each holiday's roster task."""
