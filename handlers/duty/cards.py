"""值班 in words: the 查岗 messages the officer, the asking leader and the escalation get, the
县级查岗 of townships and departments with its monthly 查岗通报, and what a phone rung could not
do (chat and jobs alike)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from bot.core.clock import LocalTime
from bot.core.messages import Attachment, Button, Reply
from bot.core.official_doc import MIME, OfficialDoc, Section, render
from handlers.duty.bulletin_cards import daily_reply as daily_reply  # for the shift-end job
from models.directory.ladder import Reached, Rung
from models.duty.rollcall import RollCall
from models.duty.unitcheck import UnitCheck, UnitMonth

UNIT_HEADER = ["单位", "查岗", "应答", "按时", "未应答", "平均用时"]
UNIT_ELSEWHERE = "私聊机器人发送「查岗通报」获取 Word 文件"


def rollcall_question(item: RollCall, answer_minutes: int, tz: LocalTime, now: datetime) -> Reply:
    """The roll call as the officer sees it, with a 「到」 button naming this call."""
    return Reply(
        f"【查岗】请在 {answer_minutes} 分钟内点「到」或回复「到」。（{tz.fmt(now)}）",
        buttons=((Button("到", f"到 {item.id}"),),),
    )


def took(seconds: int) -> str:
    """``3 分 5 秒``: how long an answer took."""
    return f"{seconds // 60} 分 {seconds % 60} 秒"


def rollcall_answered(name: str, seconds: int) -> Reply:
    """To the leader who asked: the officer answered, and how fast."""
    return Reply(f"查岗：{name} 已应答，用时 {took(seconds)}。")


def rollcall_unanswered(item: RollCall, tz: LocalTime, now: datetime) -> Reply:
    """To the 带班领导 (later the admins): the officer has not answered in time."""
    minutes = int((now - item.asked_at).total_seconds() // 60)
    return Reply(
        f"【查岗未应答】{item.user.name} 在 {minutes} 分钟内未应答查岗"
        f"（{tz.fmt(item.asked_at)} 发起）。请电话核实是否在岗。"
    )


def unit_question(check: UnitCheck, minutes: int, tz: LocalTime) -> Reply:
    """To the unit's people on duty: answer with the button or by typing 在岗."""
    return Reply(
        f"【县级查岗】{check.org.name}：请在 {minutes} 分钟内点「在岗」或回复「在岗」。"
        f"（{tz.fmt(check.asked_at)}）",
        buttons=((Button("在岗", f"在岗 {check.id}"),),),
    )


def unit_asked(checks: list[UnitCheck], minutes: int) -> str:
    """To the caller: who was asked, and each unit's 值班电话 to ring."""
    lines = []
    for check in checks:
        phone = f"值班电话 {check.phone}" if check.phone else "未登记值班电话"
        who = (
            f"已通知 {len(check.asked_ids)} 人"
            if check.asked_ids
            else "无联络员可通知，请电话查岗"
        )
        lines.append(f"· {check.org.name}（编号 {check.id}）：{who}；{phone}")
    return f"已发起县级查岗，{minutes} 分钟内未应答将提醒您：\n" + "\n".join(lines)


def unit_answered(check: UnitCheck, name: str) -> Reply:
    """To the caller: the unit answered, and how fast."""
    return Reply(
        f"县级查岗：{check.org.name} {name} 已应答在岗，用时 {took(check.seconds or 0)}。"
    )


def unit_unanswered(check: UnitCheck, tz: LocalTime, now: datetime) -> Reply:
    """To the caller: the unit has not answered in time; ring its 值班电话."""
    minutes = int((now - check.asked_at).total_seconds() // 60)
    phone = (
        f"请拨打其值班电话 {check.phone} 核实。"
        if check.phone
        else "该单位未登记值班电话，请电话核实。"
    )
    return Reply(
        f"【县级查岗未应答】{check.org.name} 在 {minutes} 分钟内未应答"
        f"（{tz.fmt(check.asked_at)} 发起）。{phone}"
    )


def _figure(line: UnitMonth) -> list[str]:
    average = "—" if line.average_seconds is None else took(line.average_seconds)
    return [
        line.unit,
        str(line.asked),
        str(line.answered),
        str(line.on_time),
        str(line.missed),
        average,
    ]


def unit_month_text(first: date, lines: list[UnitMonth], minutes: int) -> str:
    """The 查岗通报 as chat text: one line per unit."""
    rows = [
        f"{x.unit}：查岗 {x.asked} 次，应答 {x.answered}，按时 {x.on_time}，未应答 {x.missed}，"
        f"平均 {_figure(x)[-1]}"
        for x in lines
    ]
    return f"{first:%Y年%m月} 县级查岗通报（按时 = {minutes} 分钟内）：\n" + "\n".join(rows)


def unit_month_doc(
    first: date, lines: list[UnitMonth], minutes: int, issuer: str, today: date
) -> Reply:
    """The 查岗通报 with its Word file (drawn after the reply's transaction commits)."""
    missed = [x.unit for x in lines if x.missed]
    summary = (
        f"{first:%Y年%m月}共对 {len(lines)} 个单位开展县级查岗 {sum(x.asked for x in lines)} 次，"
        f"按时应答以 {minutes} 分钟为限。"
    )
    doc = OfficialDoc(
        masthead="查岗通报",
        number=f"{first.year}年第{first.month}期",
        title=f"关于{first:%Y年%m月}乡镇和部门值班查岗情况的通报",
        sections=(
            Section("一、总体情况", (summary,)),
            Section("二、各单位应答情况", (), [UNIT_HEADER, *(_figure(x) for x in lines)]),
            Section(
                "三、存在问题",
                (
                    ("以下单位存在未应答情况：" + "、".join(missed) + "。")
                    if missed
                    else "各单位均应答。",
                ),
            ),
        ),
        issuer=issuer,
        dated=today,
    )
    name = f"查岗通报-{first:%Y-%m}.docx"
    return Reply(
        unit_month_text(first, lines, minutes),
        attachment=Attachment(
            name,
            MIME,
            render=partial(render, doc),
            elsewhere=UNIT_ELSEWHERE,
        ),
    )


_BY = {"sms": "短信", "voice": "语音电话"}
_CHASED = {
    "checkin": "【未接班】{names} 未接班（{shift}，应于 {start} 到岗）",
    "rollcall": "【查岗未应答】{name}（{asked} 查岗）",
    "unitcheck": "【县级查岗未应答】{unit}（{asked} 查岗）",
}


def phone_notice(rung: Rung, reached: Reached) -> Reply | None:
    """To the admins: a duty phone rung could not reach someone, or sent nothing, and why.

    None when it reached everyone it meant to (the audit log and counts keep those).
    """
    if reached.problem is None and not reached.skipped:
        return None
    by, step = _BY[rung.step.by], rung.step
    whom = "带班领导" if rung.leader else "相关人员"
    head = f"{_CHASED[rung.topic].format(**rung.values)}，{step.after_minutes} 分钟{by}升级"
    if reached.problem is not None:
        return Reply(f"{head}未发送：{reached.problem}。请核对配置或电话联系{whom}。")
    lines = [f"{head}：已向{whom}发送 {'、'.join(reached.queued) or '无'}"]
    lines += [f"未能发送给 {name}：{why}" for name, why in reached.skipped]
    lines.append("请补登电话（个人：通讯录；单位：「值班电话 单位 号码」），或直接电话联系。")
    return Reply("\n".join(lines))
