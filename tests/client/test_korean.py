"""natter in Korean (issue 12): with LANG=ko_KR.UTF-8 the first screen,
the questions, /help, errors and room events are Korean, from
po/ko.po compiled into build/locale (NATTER_LOCALEDIR, as an uninstalled
natter finds it); the chat log stays English; C.UTF-8 stays English; and
the Korean natter(1) renders.

The harness starts natter with LANG=C.UTF-8 LC_ALL=C.UTF-8: these tests
set LANG and unset LC_ALL, as a Korean user's session has it."""

import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import NATTER, TOP

LOCALEDIR = os.path.join(os.environ.get("NATTER_BUILD",
                                        os.path.dirname(NATTER)), "locale")
MO = os.path.join(LOCALEDIR, "ko", "LC_MESSAGES", "natter.mo")
KO_MAN = os.path.join(TOP, "man", "ko", "natter.1")


def korean_locale():
    out = subprocess.run(["locale", "-a"], capture_output=True,
                         text=True).stdout.split()
    return any(l.lower() in ("ko_kr.utf8", "ko_kr.utf-8") for l in out)


@pytest.fixture(autouse=True)
def needs():
    # Not a skip: a machine without these cannot test issue 12.
    assert os.path.exists(MO), "no %s: make builds it from po/ko.po" % MO
    assert korean_locale(), ("no ko_KR.UTF-8 locale: sh scripts/deps.sh "
                             "check generates it (as root)")


def ko(extra=None):
    env = {"LANG": "ko_KR.UTF-8", "LC_ALL": None,
           "NATTER_LOCALEDIR": LOCALEDIR}
    env.update(extra or {})
    return env


def test_questions_help_and_errors_in_korean(srv, peer, tui, tmp_path):
    alice = peer("alice").join("#7")
    logs = tmp_path / "logs"
    t = tui("-p", str(srv.port), "--log", "--log-dir", str(logs), env=ko())
    # The first screen and the room question, in the tutorial's words.
    t.wait(r"-!- natter [0-9.]+: /help는 명령 목록을 보여 주고")
    t.wait(r"입장할 채팅방 번호나 이름을 입력하세요")
    t.wait(r"^채팅방:$")
    t.enter("7")
    t.wait(r"사용하실 닉네임을 입력하고 Enter를 누르세요")
    t.wait(r"^닉네임: tester$")
    t.keys("C-u")
    # A nick in use is refused in Korean, and asked again.
    t.enter("alice")
    t.wait(r"※ 이미 사용중인 닉네임입니다\(alice\)\. 다시 입력해주세요\.")
    t.wait(r"^닉네임: alice$")
    t.keys("C-u")
    t.enter("bob")
    t.wait(r"^ #7 \| 멤버 2명")
    t.wait(r"-!- 채팅방에 입장했습니다")
    assert alice.expect("JOIN", "#7").nick == "bob"

    # /help, and one command explained, usage words too.
    t.enter("/help")
    t.wait(r"-!- 명령: /away /ban")
    t.wait(r"-!- /help 명령 은 명령 하나를 설명합니다")
    t.enter("/help whisper")
    t.wait(r"-!- /whisper 닉네임 메시지: 닉네임에게 귓속말 보내기")

    # Errors: an unknown command, a bad nick, a usage.
    t.enter("/frobnicate")
    t.wait(r"-!- 알 수 없는 명령: /frobnicate \(/help를 입력해 보세요\)")
    t.enter("/nick 1abc")
    t.wait(r"-!- 1abc: 닉네임에 쓸 수 없는 문자입니다")
    t.enter("/nick")
    t.wait(r"-!- 사용법: /nick 닉네임")

    # Someone else's join, rename and part, with positional arguments
    # where Korean puts them in another order.
    carol = peer("carol").join("#7")
    t.wait(r"-!- carol님 \(\S+\) 접속: #7")
    carol.send("NICK dave")
    t.wait(r"-!- carol님이 dave\(으\)로 닉네임 변경")
    carol.send("PART #7 :잘 있어요")
    t.wait(r"-!- dave님이 #7에서 나갔습니다 \(잘 있어요\)")
    # The status line too, and who is typing on it.
    t.wait(r"\[연결됨\] bob ")
    erin = peer("erin", caps=("message-tags",)).join("#7")
    erin.send("@+typing=active TAGMSG #7")
    t.wait(r"\[연결됨\] bob .*\| erin님이 입력 중\u2026")

    # The chat log keeps English lines, whatever the screen's language.
    found = glob.glob(str(logs / "**" / "*.log"), recursive=True)
    assert found, "no chat log under %s" % logs
    text = open(found[0], encoding="utf-8").read()
    assert re.search(r"-!- carol \(\S+\) has joined #7", text), text
    assert "-!- dave has left #7 (잘 있어요)" in text, text
    assert "접속" not in text, text

    t.enter("/quit")
    assert t.wait_dead() == 0


def test_paste_question_in_korean(srv, peer, tui):
    """The paste question is Korean, and the y key with Hangul input on
    (it types \u315b) answers it; \u315c (n) drops a paste. Six lines:
    more than the grown input line takes without asking."""
    alice = peer("alice").join("#7")
    t = tui("-n", "bob", "-r", "7", "-p", str(srv.port), env=ko())
    t.wait(r"^ #7 \| 멤버 2명")
    alice.expect("JOIN", "#7")
    lines = ["%d번째 줄" % i for i in range(1, 7)]
    t.paste("\n".join(lines))
    t.wait(r"^6줄을 한 메시지로 보낼까요\? \(y/n\)")
    t.type("\u315b")
    for line in lines:
        assert alice.expect("PRIVMSG", "#7").params[-1] == line
    t.paste("\n".join(lines))
    t.wait(r"^6줄을 한 메시지로 보낼까요\? \(y/n\)")
    t.type("\u315c")
    t.wait(r"-!- 붙여넣은 6줄을 버렸습니다")
    t.enter("끝")
    assert alice.expect("PRIVMSG", "#7").params[-1] == "끝"


def test_english_stays_english(srv, peer, tui):
    """C.UTF-8 (the harness's locale) with the catalogue at hand: English."""
    peer("alice").join("#7")
    t = tui("-p", str(srv.port), env={"NATTER_LOCALEDIR": LOCALEDIR})
    t.wait(r"-!- Which room\? Type a name or a number")
    t.wait(r"^room:$")
    t.enter("7")
    t.wait(r"^nick: tester$")
    t.keys("C-u")
    t.enter("alice")
    t.wait(r"-!- the nickname alice is already in use; choose another")
    t.keys("C-u")
    t.enter("bob")
    t.wait(r"^ #7 \| 2 members")
    t.enter("/frobnicate")
    t.wait(r"-!- unknown command: /frobnicate \(try /help\)")
    assert not re.search("[\uac00-\ud7a3]", t.screen()), t.screen()


def test_without_the_catalogue_english(srv, tui, tmp_path):
    """A Korean locale but no catalogue where natter looks: English, not
    a failure."""
    t = tui("-p", str(srv.port), env=ko({"NATTER_LOCALEDIR":
                                        str(tmp_path / "none")}))
    t.wait(r"-!- Which room\? Type a name or a number")
    t.wait(r"^room:$")


def test_korean_help_option():
    env = dict(os.environ, LANG="ko_KR.UTF-8", NATTER_LOCALEDIR=LOCALEDIR)
    env.pop("LC_ALL", None)
    p = subprocess.run([NATTER, "--help"], env=env, capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("사용법: natter [-hVv]"), p.stdout
    assert "이 도움말 보기" in p.stdout
    # Wrapped to 79 columns counting Hangul as two: none longer, and
    # Korean lines as long as English ones (counting bytes, as for
    # ASCII, would end them near column 60).
    widest = 0
    for line in p.stdout.splitlines():
        cols = sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in line)
        assert cols <= 79, line
        if re.search("[\uac00-\ud7a3]", line):
            widest = max(widest, cols)
    assert widest >= 74, p.stdout


def rendered(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                       timeout=60, errors="replace")
    assert p.returncode == 0, p.stderr
    return p.stdout


@pytest.mark.parametrize("how", ["man", "mandoc"])
def test_korean_manual_renders(how):
    env = dict(os.environ, LANG="ko_KR.UTF-8", MANPAGER="cat",
               PAGER="cat", MANWIDTH="80")
    env.pop("LC_ALL", None)
    if how == "man":
        assert shutil.which("man"), "man is not installed"
        out = rendered(["man", "-l", KO_MAN], env)
    else:
        out = rendered(["mandoc", "-Tutf8", KO_MAN], env)
    # Overstrike bold/underline from groff's tty output, gone.
    out = re.sub(r".\x08", "", out)
    assert "natter" in out
    for heading in ("NAME", "사용법", "설명", "명령", "환경 변수"):
        assert re.search(r"^%s" % heading, out, re.M), (heading, out[:2000])
    assert "NATTER_LOCALEDIR" in out
    assert "/whisper" in out
