"""WeCom callback crypto against every published vector (docs/platforms.md §WeCom test vectors)."""

from __future__ import annotations

import pytest

from bot.adapters.wecom.crypto import WeComCrypto, WeComCryptoError, signature
from bot.adapters.wecom.inbound import parse_message

V1_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
V1 = WeComCrypto("QDG6eK", V1_KEY, "wx5823bf96d3bd56c7")
V1_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczc"
    "dCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLj"
    "vd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMn"
    "vw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k"
    "22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yoy"
    "yH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)
V1_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)
SAMPLE_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
SAMPLE = WeComCrypto("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", SAMPLE_KEY, "ww1436e0e65a779aee")
V3_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTk"
    "AgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJP"
    "QbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7Mhm"
    "EbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/"
    "oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)
V4_ENCRYPT = (
    "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2"
    "S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKI"
    "ivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7N"
    "Rj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU="
)
V5 = WeComCrypto("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a")
V5_PLAIN = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
    "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n"
    "<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
    "<CreateTime>1411525903</CreateTime>\n</xml>"
)
V5_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNc"
    "BqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY"
    "0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsV"
    "bwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAG"
    "VRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)


def test_v1_tencent_doc_message() -> None:
    sig, ts, nonce = "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
    assert V1.decrypt(sig, ts, nonce, V1_ENCRYPT) == V1_PLAIN
    message = parse_message(V1_PLAIN)
    assert (message["FromUserName"], message["Content"]) == ("mycreate", "hello")
    assert message["MsgId"] == "4561255354251345929"


def test_v2_url_verification() -> None:
    echostr = (
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
    )
    sig = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
    assert V1.verify_url(sig, "1409659589", "263014780", echostr) == "1616140317555161061"


def test_v3_python3_sample_verify_and_decrypt() -> None:
    echostr = (
        "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
    )
    sig = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
    assert SAMPLE.verify_url(sig, "1476416373", "47744683", echostr) == "1288432023552776189"
    plain = SAMPLE.decrypt(
        "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", V3_ENCRYPT
    )
    assert plain == (
        "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
        "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
        "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
    )
    assert parse_message(plain)["Content"] == "你好"


def test_v4_json_sample_decrypts_to_tencents_malformed_json_and_fails_cleanly() -> None:
    plain = SAMPLE.decrypt(
        "e3647471e395139e2308c1fa963f2d648a00b90e", "1409659813", "1372623149", V4_ENCRYPT
    )
    assert plain.startswith('{ "ToUserName": "wx5823bf96d3bd56c7", "FromUserName": :mycreate"')
    with pytest.raises(WeComCryptoError, match="不是合法的 JSON"):
        parse_message(plain)


def test_v5_deterministic_encrypt_and_round_trip() -> None:
    ciphertext, sig = V5.encrypt(V5_PLAIN, "461056294", "1411525903", random16=b"1234567890123456")
    assert ciphertext == V5_ENCRYPT
    assert sig == "407518b7649e86ef23978113f92d27afa9296533"
    assert V5.decrypt(sig, "1411525903", "461056294", ciphertext) == V5_PLAIN
    fresh, fresh_sig = SAMPLE.encrypt("值班 回执", "1", "2")
    assert SAMPLE.decrypt(fresh_sig, "2", "1", fresh) == "值班 回执"


def test_v5_check_signature_and_changed_nonce() -> None:
    echo = (
        "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
    )
    sig = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    assert V5.verify_url(sig, "1411443780", "437374425", echo) == "5927782489442352469"
    with pytest.raises(WeComCryptoError, match="签名校验失败"):
        V5.verify_url(sig, "1411443780", "437374424", echo)


def test_wrong_corp_id_key_and_token_each_give_a_clear_error() -> None:
    sig, ts, nonce = "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
    with pytest.raises(WeComCryptoError, match="CorpID"):
        WeComCrypto("QDG6eK", V1_KEY, "ww0000000000000000").decrypt(sig, ts, nonce, V1_ENCRYPT)
    with pytest.raises(WeComCryptoError, match="EncodingAESKey"):
        WeComCrypto("QDG6eK", SAMPLE_KEY, "wx5823bf96d3bd56c7").decrypt(sig, ts, nonce, V1_ENCRYPT)
    with pytest.raises(WeComCryptoError, match="Token"):
        WeComCrypto("other", V1_KEY, "wx5823bf96d3bd56c7").decrypt(sig, ts, nonce, V1_ENCRYPT)
    with pytest.raises(WeComCryptoError, match="43"):
        WeComCrypto("QDG6eK", V1_KEY[:-1], "wx5823bf96d3bd56c7")


def test_tampered_ciphertext_with_a_valid_signature_is_a_clean_error() -> None:
    ciphertext, _ = SAMPLE.encrypt("hello", "n", "1", random16=b"0" * 16)
    broken = ciphertext[:-8] + ("A" if ciphertext[-8] != "A" else "B") + ciphertext[-7:]
    with pytest.raises(WeComCryptoError):
        SAMPLE.decrypt(signature(SAMPLE.token, "1", "n", broken), "1", "n", broken)
    with pytest.raises(WeComCryptoError, match="Base64"):
        SAMPLE.decrypt(signature(SAMPLE.token, "1", "n", "%%%"), "1", "n", "%%%")
