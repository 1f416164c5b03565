"""Chat commands of 办文: 收文/发文 登记, 传阅 with 已阅/批示, 答复, 归档, 待办 and 统计."""
