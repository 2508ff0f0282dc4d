import json
import logging
import sys

from xinyong.core.logs import JsonFormatter


def test_json_log_lines_keep_chinese_and_exceptions():
    formatter = JsonFormatter()
    try:
        raise ValueError("坏输入")
    except ValueError:
        record = logging.LogRecord("xinyong.api", logging.ERROR, __file__, 1, "导入失败 %s", ("#7",), sys.exc_info())
    line = json.loads(formatter.format(record))
    assert line["message"] == "导入失败 #7" and line["level"] == "ERROR" and "坏输入" in line["exception"]
