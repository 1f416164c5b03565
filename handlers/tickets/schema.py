"""What the 12345 ticket API accepts and its OpenAPI 3.1 description (/api/v1/openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.tickets.ingest import TicketIn

BASE = "/api/v1/tickets"


class TicketPatch(BaseModel):
    """Fields to change; ``visit_result`` records the 回访, ``close`` the 办结."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: str | None = None
    category: Literal["咨询", "求助", "投诉", "举报", "建议"] | None = None
    urgency: Literal["一般", "紧急"] | None = None
    caller_name: str | None = None
    caller_phone: str | None = None
    content: Annotated[str, Field(min_length=1)] | None = None
    address: str | None = None
    received_at: datetime | None = None
    dispatched_at: datetime | None = None
    due_at: datetime | None = None
    lead_unit: str | None = None
    co_units: list[str] | None = None
    typical: bool | None = None
    visit_result: Literal["满意", "基本满意", "不满意", "未联系上"] | None = None
    resolved: bool | None = None
    close: bool = False


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the ticket API."""
    ticket_ref = {"$ref": "#/components/schemas/TicketIn"}
    errors = {
        "description": "校验失败：errors[].field 指出字段",
        "content": {"application/json": {}},
    }
    number = [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}]
    refusals = {
        "400": {"description": "请求体不是 JSON 对象、嵌套超过 32 层或含控制字符"},
        "401": {"description": "密钥无效"},
        "403": {"description": "该客户端无权读写此工单或执行此操作"},
        "415": {"description": "Content-Type 不是 application/json"},
        "429": {"description": "密钥错误次数过多，按 Retry-After 稍后再试"},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "DutyBot 12345 工单接口", "version": "1"},
        "components": {
            "schemas": {
                "TicketIn": TicketIn.model_json_schema(),
                "TicketPatch": TicketPatch.model_json_schema(),
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            BASE: {
                "post": {
                    "summary": "新建或按编号更新工单（幂等）",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": ticket_ref}},
                    },
                    "responses": {
                        "201": {"description": "已新建"},
                        "200": {"description": "已更新或无变化"},
                        **refusals,
                        "422": errors,
                    },
                }
            },
            BASE + "/{number}": {
                "get": {
                    "summary": "查询工单及办理历史",
                    "parameters": number,
                    "responses": {
                        "200": {"description": "工单"},
                        "401": refusals["401"],
                        "403": refusals["403"],
                        "404": {"description": "无此工单"},
                        "429": refusals["429"],
                    },
                },
                "patch": {
                    "summary": "修改工单字段、记录回访、办结",
                    "parameters": number,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/TicketPatch"}
                            }
                        },
                    },
                    "responses": {
                        "200": {"description": "修改后的工单"},
                        **refusals,
                        "404": {"description": "无此工单"},
                        "422": errors,
                    },
                },
            },
        },
    }
