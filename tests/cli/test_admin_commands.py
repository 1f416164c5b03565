"""The admin CLI: users, groups, audit, outbox, db, doctor — clean Chinese errors."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def anchors_of(data_dir: Path) -> Path:
    """The test's anchor file: outside its data directory, as doctor insists."""
    return data_dir.parent / f"{data_dir.name}-state" / "audit-anchors.log"


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database:\n  url: sqlite+aiosqlite:///{tmp_path / 'bot.db'}\ndata_dir: {tmp_path}\n"
        "channels: [全体, 防汛]\n"
        f"audit:\n  anchor_file: {anchors_of(tmp_path)}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DUTYBOT_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args))
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    return run


def test_users_lifecycle(invoke) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke(
        "users",
        "add",
        "--name",
        "张三",
        "--org",
        "应急局",
        "--role",
        "officer",
        "--role",
        "值班员",
        "--new-unit",
    )
    assert code == 0 and "一次性绑定码" in out and "24 小时" in out
    code, out = invoke("users", "add", "--name", "张三", "--org", "应急局", "--role", "officer")
    assert code == 1 and "已有人员 张三" in out and "--allow-duplicate" in out
    code, out = invoke("users", "add", "--name", "李四", "--org", "应急局", "--role", "boss")
    assert code == 1 and "未知角色「boss」" in out
    add = ("users", "add", "--name", "李四", "--org", "应急局", "--role", "officer", "--phone")
    code, out = invoke(*add, "1380000abc")
    assert code == 1 and "电话号码「1380000abc」格式不对" in out
    code, out = invoke("users", "list")
    assert "李四" not in out
    code, out = invoke("users", "roles", "张三", "--role", "leader", "--role", "admin")
    assert code == 0 and "管理员、领导" in out
    code, out = invoke("users", "list")
    assert code == 0 and "张三" in out and "应急局" in out
    code, out = invoke("users", "code", "张三@应急局")
    assert code == 0 and "绑定码" in out
    code, out = invoke("users", "revoke", "王五")
    assert code == 1 and "找不到人员「王五」" in out
    code, out = invoke("users", "revoke", "张三")
    assert code == 0 and "已停用" in out


def test_users_add_refuses_an_unknown_unit_and_a_namesake_unless_told(invoke) -> None:  # type: ignore[no-untyped-def]
    def add(*extra: str) -> tuple[int, str]:
        args = ("users", "add", "--name", "李四", "--role", "officer", *extra)
        return invoke(*args)  # type: ignore[no-any-return]

    code, out = add("--org", "县应急管理局", "--new-unit")
    assert code == 0, out
    code, out = add("--org", "应急局")  # a typo: no unit is made of it
    assert code == 1 and "没有单位「应急局」" in out and "已登记的单位：县应急管理局" in out
    assert "--new-unit" in out
    code, out = invoke("users", "list")
    assert "应急局 " not in out.replace("县应急管理局", "")
    code, out = add("--org", "县应急管理局")
    assert code == 1 and "已有人员 李四" in out
    code, out = add("--org", "县应急管理局", "--allow-duplicate")
    assert code == 0 and "同名人员请以编号 2 指代" in out
    code, out = invoke("users", "code", "李四")
    assert code == 1 and "有多名「李四」：李四（编号 1）、李四（编号 2）" in out
    assert "同单位同名请写编号" in out
    code, out = invoke("users", "code", "2")
    assert code == 0 and "绑定码" in out


def test_groups(invoke) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke(
        "groups", "add", "--target", "telegram:-100123", "--channel", "防汛", "--title", "防汛群"
    )
    assert code == 0 and "已登记「防汛群」" in out
    code, out = invoke("groups", "add", "--target", "telegram:-100123", "--channel", "森林防火")
    assert code == 1 and "未知频道：森林防火" in out and "可选：全体、防汛" in out
    code, out = invoke("groups", "add", "--target", "no-colon", "--channel", "防汛")
    assert code == 1 and "平台:地址" in out
    code, out = invoke("groups", "list")
    assert "telegram:-100123" in out
    code, out = invoke("groups", "remove", "--target", "telegram:-100123")
    assert code == 0 and "已从「防汛群」移除" in out


def test_audit_verify_and_export(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def export(first: str, last: str, out: str) -> tuple[int, str]:
        return invoke("audit", "export", "--from", first, "--to", last, "-o", out)  # type: ignore[no-any-return]

    invoke("users", "add", "--name", "张三", "--org", "应急局", "--role", "officer", "--new-unit")
    code, out = invoke("audit", "verify")
    assert code == 0 and "审计日志完整" in out
    code, out = export("2020-01-01", "2099-12-31", str(tmp_path / "a.csv"))
    assert code == 0, out
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "序号" and any(r[7] == "users add" for r in rows[1:])
    code, out = export("2020-01-01", "2099-12-31", str(tmp_path / "a.xlsx"))
    assert code == 0
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None and sheet.max_row >= 2
    code, out = export("2026-12-01", "2026-11-01", str(tmp_path / "b.csv"))
    assert code == 1 and "截止日期早于起始日期" in out
    code, out = export("x", "y", "z.csv")
    assert code == 1 and "日期「x」有误" in out


def test_outbox_and_db_and_doctor(invoke) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke("db", "upgrade")
    assert code == 0
    code, out = invoke("db", "current")
    assert code == 0 and "当前版本" in out
    code, out = invoke("outbox", "list", "--failed")
    assert code == 0
    code, out = invoke("outbox", "retry")
    assert code == 1 and "--all" in out
    code, out = invoke("outbox", "retry", "99")
    assert code == 1 and "没有可重投的失败消息" in out
    code, out = invoke("doctor")
    assert "配置有效" in out and "数据库可连接" in out
    assert code == 1 and "管理员已绑定" in out  # no admin bound yet: doctor says what to do
    invoke("demo")
    code, out = invoke("doctor")
    assert code == 0 and "全部检查通过" in out


def test_doctor_checks_the_web_dashboards_address(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.yaml"
    base = config.read_text(encoding="utf-8")
    invoke("demo")
    config.write_text(base + "http:\n  enabled: true\n  host: 0.0.0.0\n", encoding="utf-8")
    code, out = invoke("doctor")
    assert code == 1 and "浏览器只在 HTTPS 下保存登录 Cookie" in out
    web = "web:\n  base_url: https://duty.example.gov.cn\n"
    config.write_text(base + "http:\n  enabled: true\n  host: 0.0.0.0\n" + web, encoding="utf-8")
    code, out = invoke("doctor")
    assert code == 0 and "网页版地址 https://duty.example.gov.cn/web/ 可保存登录 Cookie" in out


def test_a_bad_feature_section_stops_doctor_and_run_before_anything(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "feature.yaml"
    bad.write_text(
        f"database:\n  url: sqlite+aiosqlite:///{tmp_path / 'feature.db'}\n"
        "duty:\n  rollcall:\n    windows: ['11:30-09:00']\n"
        "broadcast:\n  channels:\n    防讯: {orgs: [县水利局]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DUTYBOT_CONFIG", str(bad))
    for command in ("doctor", "run"):
        code, out = invoke(command)
        assert code == 1
        assert "duty.rollcall.windows：「11:30-09:00」应为 HH:MM-HH:MM" in out
        assert "broadcast.channels 中的 防讯 不在 channels 列表中" in out
    assert not (tmp_path / "feature.db").exists()


def test_doctor_reports_config_errors_and_missing_secrets(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("databse: {}\n", encoding="utf-8")
    monkeypatch.setenv("DUTYBOT_CONFIG", str(bad))
    code, out = invoke("doctor")
    assert code == 1 and "databse：未知配置项" in out
    on = tmp_path / "telegram.yaml"
    on.write_text(
        f"database:\n  url: sqlite+aiosqlite:///{tmp_path / 'bot.db'}\n"
        "platforms:\n  telegram:\n    enabled: true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DUTYBOT_CONFIG", str(on))
    monkeypatch.delenv("DUTYBOT_TELEGRAM_TOKEN", raising=False)
    code, out = invoke("doctor")
    assert code == 1 and "缺少环境变量 DUTYBOT_TELEGRAM_TOKEN" in out
    monkeypatch.setenv("DUTYBOT_TELEGRAM_TOKEN", "not-a-token")
    code, out = invoke("doctor")
    assert code == 1 and "DUTYBOT_TELEGRAM_TOKEN 的格式不对" in out


def test_a_second_demo_says_how_to_get_the_unbound_persons_code(invoke) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke("demo")
    assert code == 0 and "/bind " in out
    code, out = invoke("demo")
    assert code == 0 and "未重复写入演示数据" in out
    assert "dutybot users code 钱芳" in out
    code, out = invoke("users", "code", "钱芳")
    assert code == 0 and "一次性绑定码" in out


def test_an_admin_sets_a_web_password_asked_twice_and_hashed(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    invoke("users", "add", "--name", "张三", "--org", "应急局", "--role", "officer", "--new-unit")
    short = runner.invoke(app, ["users", "password", "张三"], input="abc\nabc\n")
    assert short.exit_code == 1 and "密码至少 10 位" in short.output
    good = "duty-room-2026"
    result = runner.invoke(app, ["users", "password", "张三"], input=f"{good}\n{good}\n")
    assert result.exit_code == 0, result.output
    assert "已设置 张三 的网页版登录密码" in result.output and good not in result.output
    with sqlite3.connect(tmp_path / "bot.db") as db:
        (stored,) = db.execute("SELECT hash FROM web_passwords").fetchone()
        audited = [row[0] for row in db.execute("SELECT command FROM audit_log")]
    assert stored.startswith("scrypt$") and good not in stored
    assert "users password" in audited
