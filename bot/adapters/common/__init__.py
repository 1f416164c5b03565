"""Pieces shared by the HTTP-callback platforms (WeCom, DingTalk, Feishu)."""
