"""The catalogue of coded error messages, in English and Chinese, usable without Qt.

Errors raised below the UI carry a stable code and parameters (app/errors.py); this module turns
them into the sentence a person reads, in their language, so the CLI speaks Chinese as the GUI
does. Every text says what went wrong and what to do next. Parameters are filled with
``str.format`` fields; numbers are formatted for people (``12,345``, never ``1.2345e+04``).
tests/test_error_catalogue.py checks that every code raised in app/ is here in both languages
with the same fields, and that every entry here is used.
"""

from __future__ import annotations

import json
import numbers
import os
import string

LANGUAGES = ("zh_CN", "en")

# code -> (English, Chinese). Keep the English as the sentence str(error) showed before a code was
# given, so logs and searches stay stable. Row and line numbers are written as a spreadsheet shows
# them (``{row:d}``: 1355, not 1,355).
CATALOGUE: dict[str, tuple[str, str]] = {
    "task.cancelled": (
        "Cancelled; nothing was changed.",
        "已取消；没有做任何更改。"),
    "task.interrupted": (
        "Interrupted.",
        "已中断。"),
    # -- reading files (app/data) ----------------------------------------------------------
    "import.no_such_file": (
        "{file}: no such file; check the path or choose the file again.",
        "{file}：文件不存在；请检查路径或重新选择文件。"),
    "import.xls_unsupported": (
        "{file}: old .xls workbooks are not supported; save as .xlsx or CSV.",
        "{file}：不支持旧的 .xls 工作簿；请另存为 .xlsx 或 CSV。"),
    "import.delimiter_invalid": (
        "The delimiter must be one character other than a quote or newline.",
        "分隔符必须是一个字符，且不能是引号或换行；请重新选择分隔符。"),
    "import.file_empty": (
        "{file}: the file is empty (no header row); export the file again with its header row.",
        "{file}：文件是空的（没有表头行）；请重新导出带表头行的文件。"),
    "import.header_empty": (
        "{file}: row 1 (the header) is empty; the first row must name the columns.",
        "{file}：第 1 行（表头）是空的；第一行必须是列名。"),
    "import.header_too_long": (
        "{file}: row 1 (the header) is too long; check that the file is a CSV with a header row.",
        "{file}：第 1 行（表头）太长；请确认文件是带表头行的 CSV。"),
    "import.header_malformed": (
        "{file}: row 1 (the header) is malformed; check its quotes and delimiter.",
        "{file}：第 1 行（表头）格式不正确；请检查其中的引号和分隔符。"),
    "import.column_name_invalid": (
        "{file}: row 1, column {column}: the column name is not valid; rename the column (at most "
        "256 characters).",
        "{file}：第 1 行第 {column} 列的列名无效；请修改列名（不超过 256 个字符）。"),
    "import.column_twice": (
        "{file}: row 1: the column name '{name}' appears twice; give each column its own name.",
        "{file}：第 1 行中列名“{name}”出现了两次；请给每一列起不同的名字。"),
    "import.quote_unclosed": (
        "{file}: row {row:d}: a quoted field is never closed; add the missing closing quote (\") in "
        "this row or the file's last rows.",
        "{file}：第 {row:d} 行有一个引号字段没有闭合；请在这一行或文件末尾几行补上缺少的右引号（\"）。"),
    "import.value_too_long": (
        "{file}: row {row:d}, column '{column}': the value is longer than {limit} characters; "
        "shorten it or leave this column out of the mapping.",
        "{file}：第 {row:d} 行“{column}”列的值超过 {limit} 个字符；请缩短它，或不导入这一列。"),
    "import.row_too_long": (
        "{file}: row {row:d}: the row is longer than {width} values of at most {limit} characters "
        "can be; check the delimiter and the line breaks.",
        "{file}：第 {row:d} 行比 {width} 个值（每个最多 {limit} 个字符）还长；请检查分隔符和换行。"),
    "import.ragged_row": (
        "{file}: row {row:d}, column '{column}': the row has {found} fields but the header has "
        "{expected}; check the delimiter and the quotes in this row.",
        "{file}：第 {row:d} 行有 {found} 列，表头有 {expected} 列（从“{column}”列起不一致）：请检查这一行的分隔符或引号。"),
    "import.nul_byte": (
        "{file}: row {row:d}, column '{column}': the value contains a NUL byte; export the file "
        "again as plain text.",
        "{file}：第 {row:d} 行“{column}”列的值含有 NUL 字节；请重新导出为纯文本文件。"),
    "import.quoting_malformed": (
        "{file}: row {row:d}: the quoting is malformed; a quote inside a value must be doubled "
        "(\"\").",
        "{file}：第 {row:d} 行的引号格式不正确；值里的引号要写成两个（\"\"）。"),
    "import.quoted_value_too_long": (
        "{file}: row {row:d}: a value is longer than the limit of {limit} characters; check for a "
        "missing closing quote.",
        "{file}：第 {row:d} 行有一个值超过 {limit} 个字符的上限；请检查是否少了右引号。"),
    "import.xlsx_unreadable": (
        "{file}: the file is not a readable .xlsx workbook; open it in a spreadsheet and save it "
        "again as .xlsx or CSV.",
        "{file}：无法读取这个 .xlsx 工作簿；请用电子表格软件打开，再另存为 .xlsx 或 CSV。"),
    "import.worksheet_empty": (
        "{file}: the worksheet is empty (no header row); put the column names in row 1 of the "
        "first worksheet.",
        "{file}：工作表是空的（没有表头行）；请把列名放在第一个工作表的第 1 行。"),
    "import.outside_header": (
        "{file}: row {row:d}, column #{column}: a value lies outside the header's {width} columns; "
        "give that column a name or delete the value.",
        "{file}：第 {row:d} 行第 {column} 列的值在表头的 {width} 列之外；请给这一列起名，或删除这个值。"),
    "import.cell_too_long": (
        "A worksheet cell is longer than the limit of {limit} characters; shorten it or leave its "
        "column out.",
        "工作表中有单元格超过 {limit} 个字符的上限；请缩短它，或不导入这一列。"),
    "import.xlsx_too_big": (
        "{file}: the workbook expands to an implausible size; refused. Save it as CSV instead.",
        "{file}：这个工作簿解压后大得不合常理，已拒绝；请改存为 CSV。"),
    # -- encodings and columns (app/data) --------------------------------------------------
    "import.utf16": (
        "{file}: the file is UTF-16/UTF-32; save it as UTF-8 or GB18030.",
        "{file}：文件是 UTF-16/UTF-32 编码；请另存为 UTF-8 或 GB18030。"),
    "import.mixed_encodings": (
        "{file}: the file mixes encodings (line {utf8_line:d} is UTF-8, line {other_line:d} is not); "
        "re-export it in one encoding or choose one explicitly.",
        "{file}：文件混用了多种编码（第 {utf8_line:d} 行是 UTF-8，第 {other_line:d} 行不是）；请用一种编码重新导出，或明确选择编码。"),
    "import.unknown_encoding": (
        "Unknown encoding '{encoding}'; choose one of: {choices}.",
        "未知编码“{encoding}”；请从以下编码中选择：{choices}。"),
    "import.bad_encoding_line": (
        "{file}: line {line:d} is not valid {codec} text; check the file's encoding (or choose it "
        "explicitly).",
        "{file}：第 {line:d} 行不是有效的 {codec} 文本；请检查文件编码（或明确选择编码）。"),
    "import.bad_encoding_cell": (
        "{file}: line {line:d}, column '{column}' is not valid {codec} text; check the file's "
        "encoding (or choose it explicitly).",
        "{file}：第 {line:d} 行“{column}”列不是有效的 {codec} 文本；请检查文件编码（或明确选择编码）。"),
    "import.column_missing": (
        "{file}: the {role} column '{column}' is not in the header; check the mapping or the "
        "file's header row.",
        "{file}：表头中没有{role}列“{column}”；请检查列映射或文件的表头行。"),
    "import.no_data_rows": (
        "{file}: the file has a header but no data rows; export the file again with its rows.",
        "{file}：文件只有表头，没有数据行；请重新导出包含数据行的文件。"),
    "import.profile_unreadable": (
        "{file}: not a readable UTF-8 JSON profile; choose the profile file saved by Lianmo.",
        "{file}：不是可读取的 UTF-8 JSON 映射文件；请选择联模保存的映射文件。"),
    # -- importing (app/workflows/importing) -----------------------------------------------
    "import.warnings": (
        "Nothing was imported yet: {warnings} Import again and accept these warnings to go on.",
        "尚未导入任何数据：{warnings} 如确认无误，请再次导入并接受这些警告。"),
    "import.consent_dates_reversed": (
        "In {file} every expiry date precedes its grant date; check the column order or the date "
        "format.",
        "{file} 中每个到期日期都早于授权日期；请检查列的顺序或日期格式。"),
    "import.consent_all_rejected": (
        "{rows} rows of {file} were rejected and none was accepted (the report says why, for "
        "example an expiry before its grant).",
        "{file} 的 {rows} 行全部被拒绝，没有一行被接受（原因见报告，例如到期早于授权）。"),
    "import.consent_other_purpose": (
        "{file} grants nothing for the joint marketing purpose ({rows} rows are for other "
        "purposes).",
        "{file} 没有为联合营销用途授权任何客户（{rows} 行是其他用途）；请确认选择的是正确的授权文件。"),
    "import.consent_nothing_new": (
        "{file} makes no customer eligible now; rows would be imported only on consents stored "
        "earlier.",
        "{file} 没有让任何客户在当前获得授权；只会根据之前存储的授权导入数据。"),
    "import.busy": (
        "Dataset '{dataset}' is being imported right now by another window or command; wait for "
        "it to finish.",
        "数据集“{dataset}”正在由另一个窗口或命令导入；请等它完成后再试。"),
    "import.busy_retry": (
        "Dataset '{dataset}' is being imported right now; try again.",
        "数据集“{dataset}”正在导入；请稍后再试。"),
    "import.no_consented_rows": (
        "{file}: no row has a valid consent for the joint marketing model; nothing was imported. "
        "Check that the consent file belongs to this customer file.",
        "{file}：没有任何一行有联合营销模型的有效授权，未导入任何数据；请确认授权文件与这个客户文件对应。"),
    "import.no_dataset": (
        "No dataset named '{dataset}' in this workspace; see the datasets with 'data summary' or "
        "on the Data page.",
        "本工作区没有名为“{dataset}”的数据集；请在数据页面或用 data summary 查看已有数据集。"),
    "import.preview_unreadable": (
        "{file}: the first rows cannot be read as CSV; check the delimiter.",
        "{file}：无法按 CSV 读取前几行；请检查分隔符。"),
    # -- reaching the peer (app/net, app/workflows/peering) --------------------------------
    "net.refused": (
        "Could not reach the peer at {address} (connection refused): nothing listens there. Check "
        "that the partner's Lianmo is running and listening, that their firewall allows this "
        "port, and that {address} is the address the partner listens on (the one pinned for "
        "them).",
        "无法连接对方 {address}（连接被拒绝）：该地址上没有程序在监听。请确认对方的联模正在运行并在监听，对方防火墙放行了这个端口，且 {address} "
        "就是对方的监听地址（为对方登记的地址）。"),
    "net.timed_out": (
        "Could not reach the peer at {address} (no answer in time). Check the network between the "
        "two machines and any firewall on the way, that the partner's listener is running, and "
        "that {address} is the address pinned for them.",
        "无法连接对方 {address}（超时无应答）。请检查两台机器之间的网络和沿途防火墙，确认对方的监听正在运行，且 {address} 是为对方登记的地址。"),
    "net.unknown_host": (
        "Could not reach the peer at {address}: the host name is not known on this network. Check "
        "the address pinned for the peer (an IP address avoids name lookups).",
        "无法连接对方 {address}：本网络无法解析这个主机名。请检查为对方登记的地址（使用 IP 地址可避免域名解析）。"),
    "net.unreachable": (
        "Could not reach the peer at {address} ({reason}). Check that the partner's listener is "
        "running, that a firewall allows the port, and that {address} is the address pinned for "
        "them.",
        "无法连接对方 {address}（{reason}）。请确认对方的监听正在运行、防火墙放行了该端口，且 {address} 是为对方登记的地址。"),
    "net.handshake_timeout": (
        "The peer at {address} did not complete the secure handshake in {seconds} seconds; check "
        "that {address} is a Lianmo listener and try again.",
        "对方 {address} 没有在 {seconds} 秒内完成安全握手；请确认 {address} 是联模的监听地址后重试。"),
    "net.no_common_version": (
        "No common protocol version: we support {ours}, the peer supports {theirs}. One side must "
        "update Lianmo.",
        "双方没有共同的协议版本：我方支持 {ours}，对方支持 {theirs}。请一方升级联模。"),
    "net.session_timeout": (
        "The peer did not complete the session handshake in time; try again, and check that the "
        "partner's Lianmo is not busy or stopped.",
        "对方没有及时完成会话握手；请重试，并确认对方的联模没有停止或卡住。"),
    "net.cut_off": (
        "The connection to the peer was cut off; check the network and try again.",
        "与对方的连接中断了；请检查网络后重试。"),
    "net.connection_closed": (
        "The connection to the peer is closed; connect again.",
        "与对方的连接已关闭；请重新连接。"),
    "net.stopped_reading": (
        "The peer stopped reading; the connection timed out. Check that the partner's Lianmo is "
        "still running.",
        "对方停止了接收，连接超时；请确认对方的联模仍在运行。"),
    "net.no_answer": (
        "The peer did not answer in time; check that the partner's Lianmo is still running and "
        "try again.",
        "对方没有及时应答；请确认对方的联模仍在运行后重试。"),
    "net.pin_mismatch": (
        "The peer's certificate fingerprint is {presented}, but the pinned fingerprint is "
        "{pinned}. This is not the computer you paired with; the connection was closed. Compare "
        "the fingerprint with the partner by phone before changing anything.",
        "对方证书的指纹是 {presented}，但登记的指纹是 {pinned}。这不是与你配对的那台电脑，连接已关闭。请先打电话与对方核对指纹，再做任何更改。"),
    "net.not_pinned": (
        "The peer's certificate fingerprint {presented} is not one of the pinned peers; the "
        "connection was closed. Add the peer on the Peers page after checking its fingerprint.",
        "对方证书的指纹 {presented} 不属于任何已登记的对方，连接已关闭。请核对指纹后在“对方”页面添加。"),
    "net.no_certificate": (
        "The peer did not present a certificate; check that the address is a Lianmo listener.",
        "对方没有出示证书；请确认该地址是联模的监听地址。"),
    "net.certificate_not_stored": (
        "That certificate does not match the pinned fingerprint of '{peer}'; it was not stored. "
        "Check the fingerprint with the partner.",
        "该证书与为“{peer}”登记的指纹不符，未保存；请与对方核对指纹。"),
    # -- outcome files (app/evaluation) ----------------------------------------------------
    "outcomes.no_file": (
        "The file {file} does not exist; check the path or choose it again.",
        "文件 {file} 不存在；请检查路径或重新选择。"),
    "outcomes.unreadable": (
        "The file {file} cannot be read: {reason}. Check that it is not open elsewhere and that "
        "you may read it.",
        "无法读取文件 {file}：{reason}。请确认它没有被其他程序占用，且你有读取权限。"),
    "outcomes.bad_encoding": (
        "The file {file} is neither UTF-8 nor GBK text; save it again as UTF-8 CSV.",
        "文件 {file} 既不是 UTF-8 也不是 GBK 文本；请另存为 UTF-8 编码的 CSV。"),
    "outcomes.bad_workbook": (
        "The file {file} is not a readable Excel workbook; save it again as .xlsx or CSV.",
        "文件 {file} 不是可读取的 Excel 工作簿；请另存为 .xlsx 或 CSV。"),
    "outcomes.no_header": (
        "The file {file} is empty or has no header row; put the column names in the first row.",
        "文件 {file} 是空的或没有表头行；请把列名放在第一行。"),
    "outcomes.missing_columns": (
        "The file {file} has no column {missing}; its columns are: {columns}. Rename the columns "
        "or choose them in the form.",
        "文件 {file} 没有列 {missing}；它的列是：{columns}。请修改列名，或在表单中选择对应的列。"),
    "outcomes.bad_csv": (
        "The file {file} is not valid CSV near line {line:d}; check the quotes and delimiters "
        "there.",
        "文件 {file} 在第 {line:d} 行附近不是有效的 CSV；请检查那里的引号和分隔符。"),
    "outcomes.ragged_row": (
        "The file {file}, row {row:d}, has {found} fields; the header has {expected}. Check the "
        "delimiter and the quotes in this row.",
        "文件 {file} 第 {row:d} 行有 {found} 列，表头有 {expected} 列：请检查这一行的分隔符或引号。"),
    "outcomes.bad_outcome": (
        "The file {file}, row {row:d}, column {column}: the outcome is not one of 0/1, yes/no, "
        "true/false, 是/否.",
        "文件 {file} 第 {row:d} 行“{column}”列：结果必须是 0/1、yes/no、true/false 或 是/否 之一。"),
    "outcomes.bad_score": (
        "The file {file}, row {row:d}, column {column}: the score is not a finite number; correct "
        "or remove the row.",
        "文件 {file} 第 {row:d} 行“{column}”列：分数不是有限的数字；请更正或删除这一行。"),
    "outcomes.control_is_treatment": (
        "The control value is also listed as a treatment value; choose different values for the "
        "two groups.",
        "对照组的取值也被列为处理组取值；请为两组选择不同的取值。"),
    "outcomes.no_group_value": (
        "No row has the group value '{value}' in {where}; check the spelling of the group values.",
        "{where} 中没有任何一行的分组取值为“{value}”；请检查分组取值的拼写。"),
    # -- campaign plan rules (app/workflows/plans/rules.py) ---------------------------------
    "plans.rules_not_object": (
        "Plan rules: '{path}' must be an object; correct the rules file and load it again.",
        "计划规则：“{path}”必须是一个对象（{{...}}）；请修改规则文件后重新载入。"),
    "plans.rules_unknown_key": (
        "Plan rules: unknown key '{key}' in '{path}'; check its spelling (docs/plans.md lists the "
        "keys).",
        "计划规则：“{path}”中有未知的键“{key}”；请检查拼写（可用的键见 docs/plans.md）。"),
    "plans.rules_required": (
        "Plan rules: '{path}' is required; add it to the rules file.",
        "计划规则：缺少必填项“{path}”；请在规则文件中补上。"),
    "plans.rules_wrong_type": (
        "Plan rules: '{path}' has the wrong type; see docs/plans.md for what it takes.",
        "计划规则：“{path}”的类型不对；请对照 docs/plans.md 修改。"),
    "plans.rules_bad_text": (
        "Plan rules: '{path}' is too long or contains control characters; keep it to {limit} "
        "characters on one line.",
        "计划规则：“{path}”太长或含有控制字符；请控制在 {limit} 个字符以内，并写在一行里。"),
    "plans.rules_one_of": (
        "Plan rules: '{path}' must be one of {choices}.",
        "计划规则：“{path}”必须是以下之一：{choices}；请改成其中一个。"),
    "plans.rules_in_list": (
        "Plan rules: '{path}' must be a non-empty list for 'in'; list the values to match.",
        "计划规则：使用“in”时“{path}”必须是非空列表；请列出要匹配的取值。"),
    "plans.rules_scalar": (
        "Plan rules: '{path}' must be a number, text or true/false.",
        "计划规则：“{path}”必须是数字、文本或 true/false；请修改这个值。"),
    "plans.rules_format": (
        "Plan rules must have format '{format}' version 1; start from a rules file saved by "
        "Lianmo.",
        "计划规则的格式必须是“{format}”第 1 版；请以联模保存的规则文件为基础修改。"),
    "plans.rules_campaign_id": (
        "Plan rules: 'campaign_id' is 1-64 letters, digits, '.', '-', '_' and starts with a letter "
        "or digit.",
        "计划规则：“campaign_id”须为 1-64 个字母、数字或 '.'、'-'、'_'，且以字母或数字开头；请修改活动编号。"),
    "plans.rules_template_empty": (
        "Plan rules: 'template_id' must not be empty; give the message template's ID.",
        "计划规则：“template_id”不能为空；请填写消息模板编号。"),
    "plans.rules_top_n": (
        "Plan rules: 'selection.value' must be a whole number for top_n.",
        "计划规则：选择方式为 top_n 时，“selection.value”必须是非负整数；请修改。"),
    "plans.rules_top_percent": (
        "Plan rules: 'selection.value' must be between 0 and 100 for top_percent.",
        "计划规则：选择方式为 top_percent 时，“selection.value”必须在 0 到 100 之间；请修改。"),
    "plans.rules_deciles": (
        "Plan rules: 'selection.deciles' lists deciles 1 (top) to 10.",
        "计划规则：“selection.deciles”应列出 1（最高）到 10 之间的十分位；请修改。"),
    "plans.rules_forced_exclusion": (
        "Plan rules: '{path}' cannot be switched off; remove it or set it to true.",
        "计划规则：“{path}”不能关闭；请删除这一项或设为 true。"),
    "plans.rules_negative_days": (
        "Plan rules: 'exclusions.contacted_within_days' must not be negative; use 0 to exclude "
        "nobody for recent contact.",
        "计划规则：“exclusions.contacted_within_days”不能为负数；如不按近期联系排除客户，请填 0。"),
    "plans.rules_capacity": (
        "Plan rules: capacity '{name}' must be a whole number >= 0.",
        "计划规则：容量“{name}”必须是大于或等于 0 的整数；请修改。"),
    "plans.rules_weeks_overflow": (
        "Plan rules: 'channels.weeks' must be >= 1 and 'channels.overflow' one of {choices}.",
        "计划规则：“channels.weeks”必须大于或等于 1，“channels.overflow”必须是以下之一：{choices}；请修改。"),
    "plans.rules_control_fraction": (
        "Plan rules: 'control.fraction' must be at least 0 and below 1.",
        "计划规则：“control.fraction”必须大于或等于 0 且小于 1；请修改对照组比例。"),
    "plans.rules_no_control": (
        "A plan without a control group needs 'control.allow_no_control': true and a "
        "'control.reason'.",
        "不设对照组的计划需要写明 'control.allow_no_control': true 并填写 'control.reason'（原因）；请补上，或设置对照组比例。"),
    "plans.rules_allow_no_control": (
        "Plan rules: 'allow_no_control' only applies when 'control.fraction' is 0; remove it or set "
        "the fraction to 0.",
        "计划规则：只有“control.fraction”为 0 时才能使用“allow_no_control”；请删除它，或把比例设为 0。"),
    "plans.rules_seed": (
        "Plan rules: 'control.seed' must be between 0 and 2^63 - 1; leave it out to have one "
        "drawn.",
        "计划规则：“control.seed”必须在 0 到 2^63 - 1 之间；也可以不写，由系统随机生成。"),
    "plans.rules_non_responding": (
        "Plan rules: 'review.non_responding_branches' is 'include' or 'exclude'.",
        "计划规则：“review.non_responding_branches”只能是 include 或 exclude；请修改。"),
    "plans.rules_sheet_columns": (
        "Plan rules: 'call_sheet.columns' lists column names.",
        "计划规则：“call_sheet.columns”应是列名的列表；请修改。"),
    "plans.rules_unreadable": (
        "{file}: not a readable JSON rules file ({reason}); check that it is the plan rules file "
        "saved as UTF-8 JSON.",
        "{file}：不是可读取的 JSON 规则文件（{reason}）；请确认它是以 UTF-8 JSON 保存的计划规则文件。"),
    # -- campaign plans (app/workflows/plans) ----------------------------------------------
    "plans.unknown_column": (
        "The rules refer to a column '{column}' the scored population does not have; check the "
        "column name in the rules or choose another score source.",
        "规则引用了评分人群中没有的列“{column}”；请检查规则中的列名，或选择其他评分来源。"),
    "plans.codes_without_table": (
        "Column '{column}' is given as codes without a category table; score the population "
        "again.",
        "列“{column}”只给出了编码，没有类别对照表；请重新为人群评分。"),
    "plans.codes_outside_table": (
        "Column '{column}' has codes outside its category table; score the population again.",
        "列“{column}”中有超出类别对照表的编码；请重新为人群评分。"),
    "plans.custom_name": (
        "'{column}' is not a usable custom column name (lower-case letters, digits and '_', not a "
        "built-in column); rename the column.",
        "“{column}”不能用作自定义列名（只能用小写字母、数字和“_”，且不能与内置列同名）；请修改列名。"),
    "plans.column_kind": (
        "Column '{column}' must hold numbers, flags or text; leave this column out or convert it.",
        "列“{column}”只能包含数字、标志或文本；请不使用这一列，或先转换它的类型。"),
    "plans.population_lengths": (
        "Every column of the scored population must have one value per customer; score the "
        "population again.",
        "评分人群的每一列都必须对每位客户有一个值；请重新为人群评分。"),
    "plans.population_scores": (
        "Every customer in the scored population needs a finite score; score the population "
        "again.",
        "评分人群中的每位客户都需要一个有限的分数；请重新为人群评分。"),
    "plans.population_source": (
        "model_source must be 0 (federated) or 1 (label-only); score the population again.",
        "模型来源（model_source）只能是 0（联合模型）或 1（仅标签模型）；请重新为人群评分。"),
    "plans.population_keys": (
        "Customer keys in the scored population must be unique; score the population again.",
        "评分人群中的客户键不能重复；请重新为人群评分。"),
    "plans.population_branch": (
        "Every customer in the scored population needs a branch; check the branch column of the "
        "customer data.",
        "评分人群中的每位客户都需要归属网点；请检查客户数据中的网点列。"),
    "plans.population_id_type": (
        "id_type must be one of {choices}; score the population again.",
        "标识类型（id_type）必须是以下之一：{choices}；请重新为人群评分。"),
    "plans.no_scores": (
        "There are no stored scores for model '{model}'; score the population with this model "
        "first.",
        "模型“{model}”没有已保存的评分；请先用这个模型为人群评分。"),
    "plans.compare_categories": (
        "Column '{column}' holds categories: compare it with ==, != or in, against text.",
        "列“{column}”是类别列：请用 ==、!= 或 in 与文本比较。"),
    "plans.compare_flag": (
        "Column '{column}' is a flag: compare it with ==, != or in, against true/false.",
        "列“{column}”是标志列：请用 ==、!= 或 in 与 true/false 比较。"),
    "plans.compare_number": (
        "Column '{column}' holds numbers: compare it against a number.",
        "列“{column}”是数值列：请与数字比较。"),
    "plans.no_plan": (
        "There is no such plan; choose a plan from the list.",
        "没有这个计划；请从列表中选择计划。"),
    "plans.finalised": (
        "A finalised plan cannot be changed; create a new plan.",
        "已定稿的计划不能修改；请新建一个计划。"),
    "plans.export_not_final": (
        "Reach lists are exported only from a finalised plan; finalise the plan first.",
        "只能从已定稿的计划导出触达名单；请先定稿计划。"),
    "plans.own_branch_only": (
        "Branch managers see only their own branch's list.",
        "网点经理只能查看本网点的名单。"),
    "plans.name_branch": (
        "Name the branch whose call sheet to export.",
        "请指定要导出外呼名单的网点。"),
    "plans.branch_empty": (
        "This plan has no customers for that branch; choose another branch.",
        "这个计划在该网点没有客户；请选择其他网点。"),
    "plans.sources_denied": (
        "'{name}' may not choose score sources; ask an administrator if you need it.",
        "“{name}”无权选择评分来源；如确有需要，请联系管理员。"),
    # -- alignment jobs, branch review and the audit trail (app/workflows) ---
    "aligning.no_dataset_named": (
        "There is no dataset named '{name}' in this workspace.",
        "本工作区没有名为“{name}”的数据集；请检查数据集名称，或先导入该数据集。"),
    "aligning.dataset_id_type": (
        "Dataset '{name}' holds {found} IDs, not {id_type} IDs; both parties must align on the "
        "same ID type.",
        "数据集“{name}”的标识类型是 {found}，不是 {id_type}；双方必须按同一种标识类型对齐，请选择标识类型为 {id_type} 的数据集。"),
    "aligning.no_dataset": (
        "This workspace has no dataset with {id_type} IDs to align.",
        "本工作区没有标识类型为 {id_type} 的数据集可供对齐；请先按这种标识类型导入客户文件。"),
    "aligning.several_datasets": (
        "This workspace has {count} datasets with {id_type} IDs; alignment needs exactly one "
        "(name it, or remove the others).",
        "本工作区有 {count} 个标识类型为 {id_type} 的数据集，对齐只能使用其中一个；请指定要使用的数据集，或删除其他数据集。"),
    "aligning.dataset_canon": (
        "Dataset '{name}' was imported with ID canonicalisation version {version}; re-import it "
        "(this version uses {current}).",
        "数据集“{name}”导入时使用的标识规范化版本是 {version}，本版本使用 {current}；请重新导入该数据集。"),
    "aligning.cannot_propose": (
        "This alignment cannot be proposed: {problems}",
        "无法提议这次对齐：{problems}"),
    "aligning.proposal_canon": (
        "The proposal uses ID canonicalisation version {given}; this workspace uses {current}.",
        "提议使用的标识规范化版本是 {given}，本工作区使用 {current}；请确认双方运行相同版本的联模后重新提议。"),
    "aligning.proposal_chunk_size": (
        "The proposal's chunk size is out of range.",
        "提议中的分块大小超出范围；请确认双方运行相同版本的联模后重新提议。"),
    "aligning.proposal_exposure": (
        "The proposal asks for a result exposure this version does not support.",
        "提议要求的结果披露方式本版本不支持；请确认双方运行相同版本的联模后重新提议。"),
    "aligning.proposal_id_type": (
        "The proposal does not say which ID type to align.",
        "提议没有说明按哪种标识类型对齐；请让提议方在联模中重新提议。"),
    "aligning.proposal_caps": (
        "The proposal does not bound how many identifiers each side brings.",
        "提议没有限定双方各自最多提供多少个标识；请让提议方在联模中重新提议。"),
    "aligning.our_canon": (
        "Our {id_type} dataset was canonicalised with version {version}; re-import it with "
        "version {current} first.",
        "本方标识类型为 {id_type} 的数据集使用的规范化版本是 {version}；请先按版本 {current} 重新导入该数据集。"),
    "aligning.over_cap": (
        "Dataset '{name}' now has {count} usable identifiers, more than the {cap} this job was "
        "approved for; propose it again.",
        "数据集“{name}”现在有 {count} 个可用标识，超过了本任务获批的 {cap} 个；请重新提议这个任务。"),
    "aligning.paused": (
        "Cross-party work was paused by an administrator (kill switch); the alignment stopped.",
        "管理员暂停了跨机构协作（紧急停止开关），对齐已停止；请在管理员恢复后继续这个任务。"),
    "aligning.mask_length": (
        "keep_mask: the partner's list of usable rows does not match the alignment's size; run "
        "the alignment again with the partner.",
        "对方发来的可用行列表与对齐结果的大小不一致；请与对方重新运行对齐。"),
    "peering.head_signature": (
        "audit.head: the partner's signature over its audit chain does not verify; the connection "
        "was closed. Compare the certificate fingerprint with the partner by phone before "
        "connecting again.",
        "对方对其审计链的签名无法验证，连接已关闭。请先打电话与对方核对证书指纹，再重新连接。"),
    "trail.unreadable": (
        "{file} is not a readable audit export: {reason}",
        "{file} 不是可读取的审计导出文件（{reason}）；请确认它是联模导出的审计文件，必要时请导出方重新导出。"),
    "trail.not_export": (
        "{file} is not a Lianmo audit export (header missing).",
        "{file} 不是联模的审计导出文件（缺少文件头）；请选择用“审计”页面或 audit export 导出的文件。"),
    "trail.bad_entry": (
        "{file}, line {line:d}: not an audit entry.",
        "{file} 第 {line:d} 行不是审计条目；文件可能被改动过，请向导出方索取原始文件。"),
    "evaluation.not_allowed": (
        "'{name}' may not evaluate campaigns.",
        "“{name}”无权评估营销活动；如确有需要，请联系管理员。"),
    "evaluation.shared_not_allowed": (
        "'{name}' may not read shared evaluations.",
        "“{name}”无权查看对方共享的评估；如确有需要，请联系管理员。"),
    "plans.whole_plan_denied": (
        "'{name}' may not open whole plans.",
        "“{name}”无权打开完整的计划；网点经理请打开本网点的名单，如确有需要请联系管理员。"),
    "plans.list_denied": (
        "'{name}' may not see plans.",
        "“{name}”无权查看计划；如确有需要，请联系管理员。"),
    "plans.review_denied": (
        "'{name}' may not review plans.",
        "“{name}”无权审核计划；如确有需要，请联系管理员。"),
    "plans.name_branch_to_show": (
        "Name the branch to show.",
        "请指定要显示的网点。"),
    "plans.manager_decides": (
        "Only a branch manager decides on a branch's list.",
        "只有网点经理才能决定本网点的名单；请让该网点的经理登录后处理。"),
    "plans.lists_closed": (
        "This plan is finalised; its branch lists can no longer change.",
        "这个计划已定稿，各网点的名单不能再修改；如需调整，请让分析师新建计划。"),
    "plans.branch_decided": (
        "Your branch has already decided on this list.",
        "你的网点已经对这份名单做出了决定，不能再次决定；如需更改，请联系分析师。"),
    "plans.changed_meanwhile": (
        "The plan changed meanwhile; open your branch's list again.",
        "计划在此期间已有变化；请重新打开本网点的名单。"),
    "plans.reason_needed": (
        "Please give a reason.",
        "请填写原因。"),
    "plans.reason_too_long": (
        "Reasons are at most {limit} characters.",
        "原因最多 {limit} 个字符；请缩短后重试。"),
    "plans.no_such_reference": (
        "No customer with this reference is on your branch's list.",
        "本网点的名单中没有这个参考编号的客户；请核对参考编号，或刷新名单后重试。"),
    "plans.already_finalised": (
        "This plan is already finalised.",
        "这个计划已经定稿，无需再次定稿；如需修改，请新建计划。"),
    # -- campaign evaluation (app/workflows/campaign, app/evaluation) ----------------------
    "evaluation.plan_not_final": (
        "This plan is not finalised yet: nobody has been contacted, so there is nothing to "
        "evaluate. Finalise the plan and export its reach lists first.",
        "这个计划尚未定稿：还没有联系任何客户，因此没有可评估的内容。请先定稿计划并导出触达名单。"),
    "evaluation.window_days": (
        "The attribution window must be 1 to 366 days.",
        "归因窗口必须是 1 到 366 天；请修改天数。"),
    "evaluation.arm_empty": (
        "This plan has no active treated or no active control customers in this view: uplift "
        "cannot be measured. Evaluate the whole plan or check that it has a control group.",
        "在当前范围内，这个计划没有有效的处理组客户或对照组客户，无法衡量增益。请评估整个计划，或确认计划设有对照组。"),
    "evaluation.no_evaluation": (
        "There is no such evaluation; choose one from the list.",
        "没有这个评估；请从列表中选择。"),
    "evaluation.no_outcomes": (
        "This evaluation has no stored outcomes; evaluate the plan again.",
        "这个评估没有保存结果数据；请重新评估计划。"),
    "evaluation.id_type": (
        "The identifier type must be one of {choices}.",
        "标识类型必须是以下之一：{choices}；请重新选择。"),
    "evaluation.id_type_differs": (
        "The plan's customers are identified by {plan}, not {given}; choose {plan} as the "
        "identifier type of the outcome file.",
        "这个计划的客户以{plan}标识，而不是{given}；请把结果文件的标识类型选为{plan}。"),
    "evaluation.nothing_to_match": (
        "The plan has no identifiers and no bank dataset of this identifier type is stored: "
        "outcomes cannot be matched. Import the bank's customer file with this identifier type "
        "first.",
        "这个计划没有保存客户标识，本工作区也没有这种标识类型的银行数据集，无法匹配结果。请先用这种标识类型导入银行客户文件。"),
    "evaluation.retrain_no_dataset": (
        "There is no bank dataset with the plan's identifier type to attach the new labels to; "
        "import the customer file first.",
        "没有与计划标识类型一致的银行数据集来挂接新标签；请先导入客户文件。"),
    "evaluation.retrain_whole_plan": (
        "Retraining needs an evaluation of the whole plan, not of one branch; evaluate the whole "
        "plan first.",
        "重新训练需要针对整个计划的评估，而不是单个网点的评估；请先评估整个计划。"),
    "evaluation.retrain_no_ids": (
        "The plan holds no identifiers, so its outcomes cannot be attached to the bank dataset; "
        "create the next plan from a score source with identifiers.",
        "这个计划没有保存客户标识，结果无法挂接到银行数据集；下次请用带标识的评分来源创建计划。"),
    "evaluation.retrain_none_found": (
        "None of the plan's treated customers is in the bank dataset; check that the latest bank "
        "dataset is the one the plan was scored from.",
        "计划的处理组客户都不在银行数据集中；请确认最新的银行数据集就是计划评分时使用的数据集。"),
    "evaluation.no_labels": (
        "No labels were built from this evaluation yet; build the labels first.",
        "尚未从这个评估生成标签；请先生成标签。"),
    "evaluation.choose_id_type": (
        "Choose the identifier type of the outcome file.",
        "请选择结果文件的标识类型。"),
    "evaluation.branch_not_in_plan": (
        "Your branch has no customers in this plan; choose another plan.",
        "你的网点在这个计划中没有客户；请选择其他计划。"),
    "evaluation.share_whole_plan": (
        "Only an evaluation of the whole plan can be shared; evaluate the whole plan first.",
        "只能共享针对整个计划的评估；请先评估整个计划。"),
    "evaluation.share_min_cell": (
        "Cells shared with the partner must hold at least {minimum} customers.",
        "与对方共享的每个单元格至少要有 {minimum} 位客户；请调大最小客户数。"),
    "evaluation.report_changed": (
        "The report changed since the job was approved; propose it again.",
        "任务批准后报告已发生变化；请重新提议共享。"),
    "evaluation.partner_refused": (
        "The partner refused the report: {reason}",
        "对方拒绝了这份报告：{reason}"),
    "evaluation.report_refused": (
        "The evaluation report was refused ({reason}); check that both parties run the same "
        "Lianmo version and propose it again.",
        "评估报告被拒绝（{reason}）；请确认双方运行相同版本的联模后重新提议。"),
    "evaluation.lengths": (
        "Outcomes and groups must be one value per customer, of equal length; check the outcome "
        "file.",
        "结果和分组必须对每位客户各有一个值，且长度相同；请检查结果文件。"),
    "evaluation.score_lengths": (
        "Scores must be one value per customer, of the same length as the outcomes; check the "
        "score column.",
        "分数必须对每位客户有一个值，且与结果的长度相同；请检查分数列。"),
    "evaluation.scores_finite": (
        "Scores must be finite numbers (a missing score is NaN); correct the score column.",
        "分数必须是有限的数字（缺失的分数为 NaN）；请更正分数列。"),
    "evaluation.outcomes_binary": (
        "Outcomes must be 0 or 1 for every customer; correct the outcome column.",
        "每位客户的结果都必须是 0 或 1；请更正结果列。"),
    "evaluation.groups": (
        "Groups must be 1 (treatment), 0 (control) or -1 (neither); check the group values.",
        "分组只能是 1（处理组）、0（对照组）或 -1（都不属于）；请检查分组取值。"),
    "evaluation.control_empty": (
        "The control group is empty: no customer matched the control value, so uplift cannot be "
        "measured. Check the control value.",
        "对照组是空的：没有客户符合对照组取值，无法衡量增益。请检查对照组取值。"),
    "evaluation.treatment_empty": (
        "The treatment group is empty: no customer matched the treatment values; check the "
        "treatment values.",
        "处理组是空的：没有客户符合处理组取值；请检查处理组取值。"),
    "evaluation.breakdown": (
        "The breakdown {column} must give one label number per customer; choose another "
        "breakdown column.",
        "细分维度“{column}”必须对每位客户给出一个标签编号；请选择其他细分列。"),
    "evaluation.min_cell": (
        "The minimum number of customers per cell must be at least 1.",
        "每个单元格的最少客户数至少为 1；请修改。"),
    # -- the bank's customer name and last contact (app/data/profile.py) -------------------
    "profile.partner_customer_columns": (
        "{file}: 'customer_name' and 'last_contact' are the bank's columns; remove them from the "
        "partner's profile.",
        "{file}：“customer_name”和“last_contact”只属于银行方；请从合作方的映射文件中删除它们。"),
    # -- import profiles (app/data/profile.py) ---------------------------------------------
    "profile.bad_column": (
        "{file}: '{where}' must be an object with a non-empty 'column' name; correct the profile "
        "or save it again from the import page.",
        "{file}：“{where}”必须是带有非空“column”列名的对象；请修改映射文件，或在导入页面重新保存。"),
    "profile.not_object": (
        "{file}: the profile must be a JSON object; choose the profile file saved by Lianmo.",
        "{file}：映射文件必须是一个 JSON 对象；请选择联模保存的映射文件。"),
    "profile.unknown_keys": (
        "{file}: unknown key(s): {keys}; remove them or check their spelling.",
        "{file}：有未知的键：{keys}；请删除它们或检查拼写。"),
    "profile.format": (
        "{file}: not a version 1 '{format}' document; choose the profile file saved by Lianmo.",
        "{file}：不是第 1 版“{format}”文件；请选择联模保存的映射文件。"),
    "profile.dataset_name": (
        "{file}: 'dataset' must be 1-40 characters of a-z, 0-9 and _; rename the dataset.",
        "{file}：“dataset”必须是 1-40 个 a-z、0-9 或 _ 字符；请修改数据集名称。"),
    "profile.side": (
        "{file}: 'side' must be 'bank' or 'partner'; correct the profile.",
        "{file}：“side”只能是 bank 或 partner；请修改映射文件。"),
    "profile.id_type": (
        "{file}: identifier 'type' must be one of: {choices}; correct the profile.",
        "{file}：标识的“type”必须是以下之一：{choices}；请修改映射文件。"),
    "profile.no_features": (
        "{file}: 'features' must be a non-empty list; map at least one feature column.",
        "{file}：“features”必须是非空列表；请至少映射一个特征列。"),
    "profile.feature_type": (
        "{file}: {where} 'type' must be one of: {choices}; correct the profile.",
        "{file}：{where} 的“type”必须是以下之一：{choices}；请修改映射文件。"),
    "profile.bank_label": (
        "{file}: the bank side needs a 'label' column; map the label column.",
        "{file}：银行方需要“label”（标签）列；请映射标签列。"),
    "profile.partner_label": (
        "{file}: the partner side must not have a 'label' column; remove the label mapping.",
        "{file}：合作方不能有“label”（标签）列；请删除标签列的映射。"),
    "profile.encoding_delimiter": (
        "{file}: 'encoding' must be a string and 'delimiter' one character; correct the profile.",
        "{file}：“encoding”必须是文本，“delimiter”必须是一个字符；请修改映射文件。"),
    "profile.mapped_twice": (
        "{file}: column(s) mapped twice: {columns}; map each column to one role only.",
        "{file}：有列被映射了两次：{columns}；每一列只能映射到一个用途。"),
    "profile.bad_mapping": (
        "{file}: '{where}' must map only {allowed} to column names; correct the profile.",
        "{file}：“{where}”只能把 {allowed} 映射到列名；请修改映射文件。"),
    "profile.too_large": (
        "{file}: the profile is larger than 1 MiB; choose the profile file saved by Lianmo.",
        "{file}：映射文件超过 1 MiB；请选择联模保存的映射文件。"),
    # -- peers and the Dask executor (app/workflows/peering, app/executor/dask.py) ----------
    "peering.bad_address": (
        "'{address}' is not HOST:PORT.",
        "“{address}”不是“主机:端口”格式；请按 主机:端口 填写地址（例如 10.0.0.2:7443）。"),
    "peering.bad_name": (
        "Peer names are 1-64 letters, digits, '.', '-' or '_'.",
        "对方名称须为 1-64 个字母、数字或 '.'、'-'、'_'；请修改名称。"),
    "peering.own_fingerprint": (
        "That is this workspace's own fingerprint, not the peer's; ask the partner for theirs.",
        "这是本工作区自己的指纹，不是对方的；请向对方索取其指纹。"),
    "peering.exists": (
        "A peer named '{peer}' already exists; remove it first.",
        "已有名为“{peer}”的对方；请先删除它，或换一个名称。"),
    "executor.bad_address": (
        "'{address}' is not a Dask scheduler address; give tls://HOST:PORT (or "
        "tcp://127.0.0.1:PORT for a trial on this computer).",
        "“{address}”不是 Dask 调度器地址；请填写 tls://主机:端口（在本机试用时可填 tcp://127.0.0.1:端口）。"),
    "executor.tls_needed": (
        "A Dask scheduler on another computer must be reached over TLS (tls://HOST:PORT with the "
        "party's certificates); plain tcp:// is accepted only for 127.0.0.1.",
        "连接其他电脑上的 Dask 调度器必须使用 TLS（tls://主机:端口，并配置本方证书）；只有 127.0.0.1 才能使用普通 tcp://。"),
    "executor.tls_files": (
        "A tls:// Dask scheduler needs the party's CA certificate, client certificate and key "
        "(set them with workspace set-executor, or in Dask's distributed.comm.tls "
        "configuration).",
        "tls:// 的 Dask 调度器需要本方的 CA 证书、客户端证书及其私钥；请用 workspace set-executor 设置，或写入 Dask 的 distributed.comm.tls 配置。"),
    "executor.unreachable": (
        "Could not reach the Dask scheduler at {address} ({reason}); is it running, and are the "
        "certificates the party's own?",
        "无法连接 {address} 的 Dask 调度器（{reason}）；请确认调度器正在运行，且使用的是本方自己的证书。"),
    "executor.workers_unreachable": (
        "The Dask scheduler at {address} cannot reach its workers ({reason}); are the scheduler's "
        "and the workers' certificates from the party's CA, for both TLS server and client use?",
        "{address} 的 Dask 调度器无法连接其工作节点（{reason}）；请确认调度器和工作节点的证书由本方 CA "
        "签发，且同时可用于 TLS 服务端与客户端认证。"),
    "executor.no_workers": (
        "The Dask scheduler at {address} has no workers; start the workers and try again.",
        "{address} 的 Dask 调度器没有工作节点；请启动工作节点后重试。"),
    "executor.worker_versions": (
        "Every Dask worker must run Lianmo {version}; found {found}. Update the workers.",
        "每个 Dask 工作节点都必须运行联模 {version}，实际发现：{found}；请升级工作节点。"),
    # -- workspaces and accounts (app/store, app/workflows) --------------------------------
    "account.wrong_password": (
        "Wrong user name or password.",
        "用户名或密码错误。"),
    "account.disabled": (
        "This account is disabled; ask an administrator.",
        "此账户已停用，请联系管理员。"),
    "account.locked": (
        "This account is locked after too many failed sign-ins; ask an administrator to reset its "
        "password.",
        "登录失败次数过多，此账户已锁定，请联系管理员重置密码。"),
    "account.bad_name": (
        "User names are 1-64 letters, digits, '.', '-', '_' or '@'.",
        "用户名为 1-64 个字母、数字或 '.'、'-'、'_'、'@'。"),
    "account.bad_role": (
        "Role must be one of: {roles}.",
        "角色必须是以下之一：{roles}。"),
    "account.branch_needed": (
        "A branch manager needs a branch code (letters, digits, '-', '_').",
        "网点经理需要填写网点代码（字母、数字、'-'、'_'）。"),
    "account.branch_only_managers": (
        "Only branch managers are bound to a branch.",
        "只有网点经理才绑定网点；请清空网点代码或把角色改为网点经理。"),
    "account.short_password": (
        "Passwords need at least {minimum} characters.",
        "密码至少需要 {minimum} 个字符。"),
    "account.exists": (
        "A user named '{name}' already exists; choose another name.",
        "已有名为“{name}”的用户；请换一个名字。"),
    "account.not_self": (
        "You cannot disable your own account.",
        "不能停用自己的账户。"),
    "account.last_admin": (
        "At least one active administrator must remain.",
        "必须至少保留一名启用状态的管理员。"),
    "account.must_change_password": (
        "An administrator reset the password of '{name}': change it before anything else, with "
        "`python -m app users passwd --workspace DIR --user {name}` (current password from "
        "LIANMO_PASSWORD, new one from LIANMO_NEW_PASSWORD) or in the desktop app.",
        "管理员重置了“{name}”的密码：请先修改密码再做其他操作，可运行 "
        "`python -m app users passwd --workspace DIR --user {name}`（当前密码取自 "
        "LIANMO_PASSWORD，新密码取自 LIANMO_NEW_PASSWORD），或在桌面应用中修改。"),
    "account.no_user": (
        "There is no user named '{name}'.",
        "没有名为“{name}”的用户；请检查用户名。"),
    "account.not_allowed": (
        "{role} '{name}' may not do this ({permission}); ask an administrator if you need it.",
        "{role}“{name}”无权执行此操作（{permission}）；如确有需要，请联系管理员。"),
    "store.choose_folder": (
        "Choose a workspace folder first.",
        "请先选择工作区文件夹。"),
    "store.choose_new_folder": (
        "Choose a folder for the new workspace first.",
        "请先为新工作区选择文件夹。"),
    "store.short_passphrase": (
        "Passphrases need at least {minimum} characters.",
        "口令至少需要 {minimum} 个字符。"),
    "store.open_first": (
        "Open a workspace first.",
        "请先打开工作区。"),
    "store.no_folder": (
        "No workspace folder at {path}; check the path.",
        "{path} 处没有工作区文件夹；请检查路径。"),
    "store.not_workspace": (
        "{path} is not a Lianmo workspace (expected exactly one {suffix} file); choose the "
        "workspace folder itself.",
        "{path} 不是联模工作区（应当恰好有一个 {suffix} 文件）；请选择工作区文件夹本身。"),
    "store.bad_role": (
        "Role must be one of {roles}.",
        "参与方角色必须是以下之一：{roles}。"),
    "store.party_empty": (
        "The party name must not be empty.",
        "参与方名称不能为空。"),
    "store.folder_not_empty": (
        "{path} already exists and is not empty; choose a new folder.",
        "{path} 已存在且不是空的；请选择一个新文件夹。"),
    "store.replaced": (
        "The workspace file was renamed or replaced; refusing to open it.",
        "工作区文件已被重命名或替换，拒绝打开。"),
    "store.no_keyring": (
        "No OS keyring is available on this machine. Create the workspace with a passphrase "
        "instead (--passphrase-env VAR).",
        "本机没有可用的系统密钥环。请改为用口令创建工作区（--passphrase-env VAR）。"),
    "store.keyring_refused": (
        "The OS keyring refused to store the workspace key; unlock the keyring or create the "
        "workspace with a passphrase.",
        "系统密钥环拒绝保存工作区密钥；请解锁密钥环，或改为用口令创建工作区。"),
    "store.keyring_unreadable": (
        "The OS keyring could not be read; unlock it and try again.",
        "无法读取系统密钥环，请解锁后重试。"),
    "store.key_not_in_keyring": (
        "The key for this workspace is not in this machine's keyring. Use its passphrase if it "
        "has one; otherwise the workspace cannot be opened.",
        "本机密钥环中没有此工作区的密钥。如果它设有口令，请输入口令；否则无法打开此工作区。"),
    "store.keyring_damaged": (
        "The keyring entry for this workspace is damaged; open the workspace with its passphrase "
        "if it has one.",
        "此工作区在密钥环中的条目已损坏；如果它设有口令，请用口令打开。"),
    "store.no_key": (
        "No key for this workspace: give its passphrase or unlock the keyring.",
        "缺少此工作区的密钥：请输入口令或解锁系统密钥环。"),
    "store.wrong_key": (
        "The workspace cannot be opened: the key is wrong or missing, or the file is not a Lianmo "
        "workspace.",
        "无法打开工作区：密钥错误或缺失，或该文件不是联模工作区。"),
    "store.closed": (
        "The workspace is closed.",
        "工作区已关闭；请重新打开。"),
    "store.destroy_mismatch": (
        "Confirmation does not match the party name; nothing was destroyed.",
        "确认内容与参与方名称不一致，没有删除任何内容；请输入准确的参与方名称。"),
    # -- training, scoring and rehearsal (app/workflows/training, app/protocols, app/commands) ---
    "training.alignment_other_peer": (
        "That alignment was made with a different peer.",
        "该对齐结果是与另一个对方完成的；请选择与本次对方完成的对齐结果，或与其重新对齐。"),
    "training.alignment_unfinished": (
        "That alignment's job did not finish; resume it or align again.",
        "该对齐任务没有完成；请继续该任务，或重新对齐。"),
    "training.no_label_column": (
        "The aligned dataset has no label column.",
        "对齐所用的数据集没有标签列；请重新导入带标签列的银行数据集后再对齐。"),
    "training.name_empty": (
        "Give the model a name.",
        "请为模型起一个名称。"),
    "training.name_too_long": (
        "A model name is one line of at most {limit:d} characters.",
        "模型名称只能是一行，最多 {limit:d} 个字符；请缩短名称。"),
    "training.main_federated_only": (
        "Only a federated model can be the main model.",
        "只有联合模型才能设为主模型；请选择一个联合模型。"),
    "training.model_type": (
        "The model type must be secureboost or scorecard.",
        "模型类型只能是 secureboost 或 scorecard；请从两者中选择。"),
    "training.param_type": (
        "The training parameter {name} has the wrong type.",
        "训练参数 {name} 的类型不正确；请检查该参数后重新提议任务。"),
    "training.key_bits": (
        "Training needs keys of at least {bits:d} bits.",
        "训练需要至少 {bits:d} 位的密钥；请选择更长的密钥后重试。"),
    "training.no_alignment": (
        "The training job names no alignment.",
        "训练任务没有指定对齐结果；请选择对齐结果后重新提议。"),
    "training.no_party_role": (
        "This workspace has no party role for training.",
        "此工作区没有可用于训练的参与方角色；请使用银行方或合作方的工作区。"),
    "training.paused_after_tree": (
        "Cross-party work was paused by an administrator after tree {tree:d}; run the job again "
        "to resume from there.",
        "管理员在第 {tree:d} 棵树之后暂停了跨机构协作；恢复后请再次运行任务，将从该处继续。"),
    "training.labels_other_dataset": (
        "The campaign labels belong to another dataset than the alignment.",
        "活动标签与对齐结果属于不同的数据集；请选择同一数据集的对齐结果或活动评估。"),
    "training.too_few_outcomes": (
        "Too few customers with campaign outcomes to compare the models.",
        "有活动结果的客户太少，无法比较模型；请在收集到更多活动结果后重试。"),
    "training.too_few_rows": (
        "Only {rows:d} aligned customers are usable by both parties now; that is too few to train "
        "a model.",
        "双方目前只有 {rows:d} 个对齐客户可用，太少，无法训练模型；请用更多客户重新对齐后重试。"),
    "training.no_checkpoint": (
        "The bank resumes training at tree {tree:d}, but this workspace has no checkpoint for it "
        "on the same customers.",
        "银行方要从第 {tree:d} 棵树继续训练，但本工作区没有相同客户上的对应检查点；请重新开始训练任务。"),
    "training.no_record": (
        "Model {model} was trained before models carried a record; retrain it to get one.",
        "模型 {model} 训练时还没有可复现记录；请重新训练以获得记录。"),
    "training.metrics_label_only": (
        "Metrics are computed from labels and are not available to the feature party.",
        "模型指标由标签计算，特征方无法查看；请向银行方索取训练报告。"),
    "training.no_labels_built": (
        "No labels were built from that campaign evaluation.",
        "该活动评估尚未生成标签；请先从活动评估生成标签后重试。"),
    "training.labels_stale": (
        "The bank dataset was re-imported after the campaign labels were built; build them again "
        "from the evaluation.",
        "活动标签生成后银行数据集又被重新导入；请从活动评估重新生成标签。"),
    "training.scoring_no_model": (
        "The scoring job names no model.",
        "评分任务没有指定模型；请选择模型后重新提议。"),
    "training.scoring_not_federated": (
        "Only a federated model is scored with the partner.",
        "只有联合模型才与合作方一起评分；请选择一个联合模型。"),
    "training.scoring_bad_alignment": (
        "The scoring job names an invalid alignment.",
        "评分任务指定的对齐结果无效；请选择有效的对齐结果后重新提议。"),
    "training.bank_only_label_half": (
        "Only the bank's half of a federated model has a bank-only model.",
        "只有联合模型的银行方部分才有仅银行特征的模型；请在银行方工作区选择联合模型。"),
    "training.bins_range": (
        "The number of bins must be between 2 and {maximum:d}.",
        "分箱数必须在 2 到 {maximum:d} 之间；请修改分箱数。"),
    "training.ragged_columns": (
        "The columns of the table have different lengths.",
        "数据表各列的长度不一致；请重新导入数据集后重试。"),
    "training.column_missing": (
        "The column '{column}' is missing from the data.",
        "数据中缺少“{column}”列；请检查数据集是否与模型使用的特征一致。"),
    "training.non_numeric": (
        "The column '{column}' has non-numeric values; mark it categorical.",
        "“{column}”列含有非数值的值；请把它标记为类别特征。"),
    "training.needs_partner_decisions": (
        "This model needs the partner's split decisions to score.",
        "此模型需要合作方的分裂判定才能评分；请与合作方一起运行评分任务。"),
    "training.decisions_incomplete": (
        "The partner's decisions do not cover every split of the model.",
        "合作方的判定没有覆盖模型的每个分裂；请确认双方使用同一个模型后重新评分。"),
    "training.trees_range": (
        "The number of trees must be between 1 and {maximum:d}.",
        "树的数量必须在 1 到 {maximum:d} 之间；请修改树的数量。"),
    "training.depth_range": (
        "The tree depth must be between 1 and {maximum:d}.",
        "树的深度必须在 1 到 {maximum:d} 之间；请修改树的深度。"),
    "training.learning_rate": (
        "The learning rate must be in (0, 1].",
        "学习率必须大于 0 且不超过 1；请修改学习率。"),
    "training.l2_range": (
        "The L2 regularisation must be between 0 and 1e6.",
        "L2 正则化系数必须在 0 到 1e6 之间；请修改该系数。"),
    "training.min_child_weight": (
        "The minimum child weight must not be negative.",
        "最小子节点权重不能为负数；请修改该值。"),
    "training.min_leaf_size": (
        "The minimum leaf size must be at least 1.",
        "最小叶子样本数至少为 1；请修改该值。"),
    "training.validation_share": (
        "The validation share must be in [0, 0.9).",
        "验证集比例必须不小于 0 且小于 0.9；请修改验证集比例。"),
    "training.early_stopping_range": (
        "Early stopping rounds are out of range.",
        "提前停止轮数超出范围；请修改提前停止轮数。"),
    "training.early_stopping_needs_validation": (
        "Early stopping needs a validation share above 0; set early stopping to 0 to train on "
        "every row.",
        "提前停止需要大于 0 的验证集比例；如要用全部行训练，请把提前停止设为 0。"),
    "training.row_subsample": (
        "The row subsample rate must be in (0, 1].",
        "行采样比例必须大于 0 且不超过 1；请修改行采样比例。"),
    "training.feature_subsample": (
        "The feature subsample rate must be in (0, 1].",
        "特征采样比例必须大于 0 且不超过 1；请修改特征采样比例。"),
    "training.key_size": (
        "The key size must be 2048 or 3072 bits (1024 only for tests).",
        "密钥长度必须是 2048 或 3072 位（1024 位仅用于测试）；请修改密钥长度。"),
    "training.scale_bits": (
        "The fixed-point scale must be 16 to 40 bits.",
        "定点数精度必须在 16 到 40 位之间；请修改该值。"),
    "training.seed": (
        "The seed must be a non-negative 63-bit integer.",
        "随机种子必须是非负的 63 位整数；请修改随机种子。"),
    # scorecards (app/protocols/scorecard, app/workflows/training/scorecard.py)
    "card.param_type": (
        "The scorecard parameter {name} has the wrong type.",
        "评分卡参数 {name} 的类型不正确；请检查该参数后重新提议任务。"),
    "card.lr_range": (
        "The scorecard's regression parameters (epochs 1-{max_epochs:d}, batch size "
        "{batch_min:d}-{batch_max}, learning rate above 0 up to {max_rate}, L2 0-{max_l2}, "
        "validation share 0 up to {max_share}, patience 0-{max_epochs:d}) are out of range.",
        "评分卡的回归参数超出范围（轮数 1-{max_epochs:d}，批大小 {batch_min:d}-{batch_max}，学习率大于 0 且"
        "不超过 {max_rate}，L2 为 0-{max_l2}，验证集比例 0 到 {max_share}，耐心轮数 0-{max_epochs:d}）；"
        "请修改这些参数。"),
    "card.bin_counts": (
        "Bin counts must be two equal, non-negative rows with a missing slot.",
        "分箱计数必须是两行等长、非负且含缺失值位置的计数；请重新运行评分卡任务。"),
    "card.min_bin_share": (
        "The minimum bin share must be in [0, 0.5).",
        "最小分箱占比必须不小于 0 且小于 0.5；请修改该值。"),
    "card.too_many_bins": (
        "A feature would keep more than {maximum:d} bins.",
        "有特征合并后仍超过 {maximum:d} 个分箱；请减少细分箱数。"),
    "card.merge_map_length": (
        "A merge map has the wrong length.",
        "分箱合并表的长度不正确；请确认双方运行相同版本的联模后重试。"),
    "card.merge_map_grouping": (
        "A merge map is not a grouping of the fine bins.",
        "分箱合并表不是对细分箱的有效分组；请确认双方运行相同版本的联模后重试。"),
    "card.fine_bins": (
        "The number of fine bins must be between 2 and 100.",
        "细分箱数必须在 2 到 100 之间；请修改细分箱数。"),
    "card.iv_threshold": (
        "The IV threshold must be between 0 and 10.",
        "IV 阈值必须在 0 到 10 之间；请修改 IV 阈值。"),
    "card.base_score": (
        "The base score must be between 0 and 100000.",
        "基准分必须在 0 到 100000 之间；请修改基准分。"),
    "card.base_odds": (
        "The base odds must be between 1e-6 and 1e6.",
        "基准比率必须在 1e-6 到 1e6 之间；请修改基准比率。"),
    "card.pdo": (
        "The points to double the odds must be 0.1 to 10000.",
        "翻倍分数（PDO）必须在 0.1 到 10000 之间；请修改该值。"),
    "card.partner_weights": (
        "The partner's weights do not match its selected bins.",
        "合作方的权重与其选中的分箱不一致；请重新运行评分卡任务。"),
    "card.points_range": (
        "Partner points are out of range.",
        "合作方的分数超出范围；请检查评分卡的参数后重新训练。"),
    # what the peer sends during training and scoring (app/protocols/secureboost, scorecard)
    "protocol.no_type": (
        "The peer's message does not start with its type; check that both parties run the same "
        "Lianmo version and try again.",
        "对方发来的消息没有以消息类型开头；请确认双方运行相同版本的联模后重试。"),
    "protocol.over_limit": (
        "The peer's {message} message is over its limit of {limit} bytes; check that both "
        "parties run the same Lianmo version and try again.",
        "对方发来的 {message} 消息超过了 {limit} 字节的上限；请确认双方运行相同版本的联模后重试。"),
    "protocol.frame_over_limit": (
        "{message}: the message is over its type's limit; check that both parties run the same "
        "Lianmo version and try again.",
        "{message}：消息超过了该类型的大小上限；请确认双方运行相同版本的联模后重试。"),
    "protocol.field_size": (
        "The field '{field}' of the peer's {message} message has the wrong size; check that both "
        "parties run the same Lianmo version and try again.",
        "对方发来的 {message} 消息中字段“{field}”的大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.field_wrong": (
        "The field '{field}' of the peer's {message} message is wrong; check that both parties "
        "run the same Lianmo version and try again.",
        "对方发来的 {message} 消息中字段“{field}”不正确；请确认双方运行相同版本的联模后重试。"),
    "protocol.field_refused": (
        "The field '{field}' of the peer's {message} message {what}; check that both parties "
        "run the same Lianmo version and approved the same job, and try again.",
        "对方发来的 {message} 消息中字段“{field}”被拒绝（{what}）；请确认双方运行相同版本的联模、"
        "批准的是同一个任务后重试。"),
    "protocol.wrong_message": (
        "The peer sent '{got}' where '{expected}' was expected; check that both parties run the "
        "same Lianmo version and try again.",
        "对方发来了“{got}”，此时应为“{expected}”；请确认双方运行相同版本的联模后重试。"),
    "protocol.wrong_epoch": (
        "The peer's {message} message is for another epoch; run the job again.",
        "对方发来的 {message} 消息属于另一轮训练；请重新运行任务。"),
    "protocol.wrong_batch": (
        "The peer's {message} message is for another batch; run the job again.",
        "对方发来的 {message} 消息属于另一个批次；请重新运行任务。"),
    "protocol.packed_range": (
        "A packed value from the peer is out of range; check that both parties run the same "
        "Lianmo version and try again.",
        "对方发来的打包数值超出范围；请确认双方运行相同版本的联模后重试。"),
    "protocol.values_size": (
        "The peer's {what} have the wrong size; check that both parties run the same Lianmo "
        "version and try again.",
        "对方发来的{what}大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.partner_params_differ": (
        "The partner's parameters do not match the approved job; check that both parties "
        "approved the same job and try again.",
        "合作方的参数与已批准的任务不一致；请确认双方批准的是同一个任务后重试。"),
    "protocol.bank_params_differ": (
        "The bank's parameters do not match the approved job; check that both parties approved "
        "the same job and try again.",
        "银行方的参数与已批准的任务不一致；请确认双方批准的是同一个任务后重试。"),
    "protocol.extra_triples": (
        "The partner sent triples after the last step; run the job again.",
        "合作方在最后一步之后仍发来了三元组；请重新运行任务。"),
    "protocol.after_end": (
        "The bank sent a message after the end of training; run the job again.",
        "训练结束后银行方仍发来了消息；请重新运行任务。"),
    "protocol.bank_rows_differ": (
        "The bank's row count does not match the aligned rows; align again and run the job again.",
        "银行方的行数与对齐的行数不一致；请重新对齐后再运行任务。"),
    "protocol.bank_key_size": (
        "The bank's Paillier key is not the approved size; check that both parties approved the "
        "same job and try again.",
        "银行方的 Paillier 密钥长度与批准的不一致；请确认双方批准的是同一个任务后重试。"),
    "protocol.bank_epoch": (
        "The bank named an epoch that early stopping cannot have kept; check that both parties "
        "run the same Lianmo version and try again.",
        "银行方指定的训练轮次不可能被提前停止保留；请确认双方运行相同版本的联模后重试。"),
    "protocol.points_size": (
        "The partner's points have the wrong size; check that both parties run the same Lianmo "
        "version and try again.",
        "合作方发来的分数大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.points_range": (
        "The partner's points are out of range; check that both parties run the same Lianmo "
        "version and try again.",
        "合作方发来的分数超出范围；请确认双方运行相同版本的联模后重试。"),
    # rehearsals (app/workflows/rehearsal)
    "rehearsal.access_unreadable": (
        "{file} cannot be read as the demo's workspaces file; run make demo again.",
        "{file} 无法作为演示的工作区文件读取；请重新运行 make demo。"),
    "rehearsal.access_not_demo": (
        "{file} is not a demo workspaces file.",
        "{file} 不是演示的工作区文件；请选择 make demo 生成的文件。"),
    "rehearsal.access_incomplete": (
        "{file} has no complete entry for the {party}.",
        "{file} 中缺少“{party}”方的完整条目；请重新运行 make demo。"),
    "rehearsal.csv_unreadable": (
        "{file}: cannot be read as a UTF-8 CSV ({reason}).",
        "{file}：无法作为 UTF-8 CSV 读取（{reason}）；请另存为 UTF-8 编码的 CSV 后重试。"),
    "rehearsal.csv_empty": (
        "{file}: the file is empty.",
        "{file}：文件是空的；请重新导出带表头行的文件。"),
    "rehearsal.no_column": (
        "{file}: no column named '{column}'.",
        "{file}：没有名为“{column}”的列；请检查列名。"),
    "rehearsal.split_value": (
        "{file}, row {row:d}, column {column}: split values must be 'train' or 'test'.",
        "{file}：第 {row:d} 行“{column}”列的划分值只能是 train 或 test；请修改这一行。"),
    "rehearsal.test_fraction": (
        "The test fraction must be between 0 and 1.",
        "测试集比例必须在 0 到 1 之间；请修改测试集比例。"),
    "rehearsal.not_approved": (
        "The partner did not approve the {type} job ({state}: {reason}).",
        "合作方没有批准“{type}”任务（{state}：{reason}）；请处理原因后重新演练。"),
    "rehearsal.not_approved_silent": (
        "The partner did not approve the {type} job ({state}: no reason given).",
        "合作方没有批准“{type}”任务（{state}，未说明原因）；请与合作方确认后重新演练。"),
    # the command line (app/commands)
    "cli_input.env_empty": (
        "The environment variable {variable} is empty or not set.",
        "环境变量 {variable} 为空或未设置；请设置后重试。"),
    "cli_input.no_password": (
        "No password: set {variable} or run in a terminal.",
        "没有密码：请设置 {variable}，或在终端中运行以输入密码。"),
    "cli_input.new_password": (
        "Set {variable} to the new user's password.",
        "请把新用户的密码写入环境变量 {variable} 后重试。"),
    "cli_input.confirm_destroy": (
        "Give --confirm PARTY_NAME to destroy without a terminal.",
        "没有终端时，请用 --confirm 参与方名称 确认删除。"),
    "cli_input.expected_bool": (
        "Expected true or false, got '{text}'.",
        "应为 true 或 false，而不是“{text}”；请修改该选项。"),
    "cli_input.scheduler_needs_dask": (
        "--scheduler goes with --executor dask.",
        "--scheduler 只能与 --executor dask 一起使用；请加上 --executor dask 或去掉 --scheduler。"),
    "cli_input.demo_rows": (
        "--rows must be between 10 and 50,000,000.",
        "--rows 必须在 10 到 50,000,000 之间；请修改行数。"),
    "cli_input.job_wrong_type": (
        "Job {job} is a {type} job, not a {expected} job.",
        "任务 {job} 是“{type}”任务，不是“{expected}”任务；请检查任务编号。"),
    "cli_input.job_ended": (
        "The {type} job was {state}.",
        "“{type}”任务的状态是{state}；请查看任务详情后重新提议。"),
    "cli_input.job_ended_because": (
        "The {type} job was {state}: {reason}",
        "“{type}”任务的状态是{state}：{reason}"),
    "cli_input.alignment_needed": (
        "Name the alignment to train on (--alignment ID).",
        "请用 --alignment 编号 指定要训练的对齐结果。"),
    "cli_input.model_needed": (
        "Name the model to {action} (--model ID).",
        "请用 --model 编号 指定要执行“{action}”的模型。"),
    "cli_input.new_name_needed": (
        "Give the new name (--name TEXT).",
        "请用 --name 文本 指定新名称。"),
    "campaign_cli.delimiter": (
        "The delimiter must be a single character.",
        "分隔符必须是单个字符；请修改 --delimiter。"),
    "campaign_cli.reference_pair": (
        "--reference-scores and --reference-column go together.",
        "--reference-scores 和 --reference-column 必须同时给出；请补上另一个选项。"),
    "campaign_cli.reference_needs_score": (
        "--reference-scores needs --score-column.",
        "使用 --reference-scores 时还需要 --score-column；请补上该选项。"),
    "campaign_cli.min_cell": (
        "--min-cell must be at least 1.",
        "--min-cell 至少为 1；请修改该值。"),
    "campaign_cli.window_days": (
        "--window-days must be at least 1.",
        "--window-days 至少为 1；请修改该值。"),
    "campaign_cli.treatment_needed": (
        "--treatment needs at least one group value.",
        "--treatment 至少需要一个分组值；请填写干预组的取值。"),
    "campaign_cli.report_unwritable": (
        "Cannot write the report {file}: {reason}.",
        "无法写入报告 {file}（{reason}）；请检查文件夹是否存在且可写，以及磁盘空间。"),
    # -- cross-party jobs (app/protocols/jobs.py, app/workflows/jobs.py) -------------------
    "cross.no_job": (
        "There is no job {job}; see the jobs with 'jobs list' or on the Jobs page.",
        "没有任务 {job}；请用 jobs list 或在“任务”页面查看已有任务。"),
    "cross.no_peer": (
        "There is no pinned peer named '{peer}'; add the partner on the Peers page first.",
        "没有名为“{peer}”的已登记对方；请先在“对方”页面添加合作方。"),
    "cross.unknown_type": (
        "Unknown job type '{type}'; one of the parties may need to update Lianmo.",
        "未知的任务类型“{type}”；可能有一方需要升级联模。"),
    "cross.type_not_here": (
        "This version cannot run '{type}' jobs; update Lianmo on this computer.",
        "此版本无法运行“{type}”任务；请升级本机的联模。"),
    "cross.too_many": (
        "Too many proposals in the last minute; try again later.",
        "最近一分钟内的提议太多；请稍后再试。"),
    "cross.params_too_large": (
        "The proposal's parameters are larger than any job needs; propose the job again from "
        "Lianmo.",
        "提议的参数超出了任何任务所需的大小；请在联模中重新提议这个任务。"),
    "cross.paused": (
        "Cross-party work is paused by an administrator (kill switch); ask an administrator to "
        "resume it.",
        "管理员已暂停跨机构协作（紧急停止开关）；请联系管理员恢复。"),
    "cross.id_taken": (
        "That job id belongs to another job here; propose a new job.",
        "这个任务编号在本方属于另一个任务；请重新提议一个新任务。"),
    "cross.too_many_pending": (
        "{count} proposals from this peer are already waiting for a decision here; decide on "
        "them first.",
        "本方已有 {count} 个来自该对方的提议在等待决定；请先处理这些提议。"),
    "cross.proposed_by_peer": (
        "Job {job} was proposed by the peer; the proposing party starts it.",
        "任务 {job} 是对方提议的；由提议方启动运行。"),
    "cross.resume_needed": (
        "Job {job} is {state}; resuming it needs the peer's approval again (resume it instead of "
        "running it).",
        "任务 {job} 的状态是{state}；继续运行需要对方再次批准（请选择“继续”而不是“运行”）。"),
    "cross.not_approved": (
        "Job {job} is {state}; an approval allows one run and a job runs only after every party "
        "approved it.",
        "任务 {job} 的状态是{state}；一次批准只允许运行一次，且任务只有在各方都批准后才能运行。"),
    "cross.start_unknown": (
        "not a job with this peer",
        "不是与该对方的任务"),
    "cross.start_ours": (
        "proposed by us; only the proposer starts a job",
        "任务由本方提议；只有提议方才能启动任务"),
    "cross.start_used": (
        "{state}; an approval allows one run",
        "任务状态为{state}；一次批准只允许运行一次"),
    "cross.start_paused": (
        "cross-party work is paused here (kill switch)",
        "本方已暂停跨机构协作（紧急停止开关）"),
    "cross.start_refused": (
        "The peer tried to start job {job}: {why}.",
        "对方试图启动任务 {job}：{why}。"),
    "cross.peer_ended": (
        "The peer ended the job: {why}",
        "对方结束了任务：{why}"),
    "cross.transcripts_differ": (
        "job_end.transcript_hash: the two parties saw different transcripts; the result was "
        "discarded. Run the job again; if it happens again, compare versions with the partner.",
        "双方看到的任务记录不一致，结果已丢弃。请重新运行任务；如果再次出现，请与对方核对联模版本。"),
    "cross.resume_by_peer": (
        "Job {job} was proposed by the peer; only it can resume it.",
        "任务 {job} 是对方提议的；只有对方才能继续它。"),
    "cross.not_resumable": (
        "Job {job} is {state}; only a failed, paused or interrupted job can be resumed.",
        "任务 {job} 的状态是{state}；只有失败、已暂停或被中断的任务才能继续。"),
    "cross.cannot_run_here": (
        "This job cannot run here: {problems}",
        "这个任务无法在本方运行：{problems}"),
    "cross.not_waiting": (
        "Job {job} is not waiting for our decision.",
        "任务 {job} 不在等待本方决定。"),
    "cross.process_stopped": (
        "the process running it stopped; resume the job to continue from its last checkpoint",
        "运行它的进程已停止；继续这个任务即可从最近的检查点接着运行"),
    # -- choosing the crypto executor (app/workflows/executors.py) --------------------------
    "executor.unknown_kind": (
        "The executor is 'local' or 'dask', not '{kind}'; choose one of the two.",
        "计算方式只能是 local 或 dask，而不是“{kind}”；请从两者中选择。"),
    "executor.local_takes_nothing": (
        "The local executor takes no scheduler or certificates; clear them or choose Dask.",
        "本机计算不需要调度器地址或证书；请清空它们，或改选 Dask。"),
    "executor.no_scheduler": (
        "The Dask executor needs its scheduler's address (tls://HOST:PORT).",
        "Dask 计算需要填写调度器地址（tls://主机:端口）。"),
    "executor.three_files": (
        "Name all three: the CA certificate, the client certificate and its key.",
        "请同时指定三个文件：CA 证书、客户端证书及其私钥。"),
    "executor.no_certificate": (
        "There is no certificate file at {path}; check the path.",
        "{path} 处没有证书文件；请检查路径。"),
    # -- keys, ciphertexts, certificates and storage (app/crypto, app/net, app/store) ---
    "crypto.unknown_scheme": (
        "The encryption scheme must be one of {choices}.",
        "加密方案必须是以下之一：{choices}；请从中选择一个。"),
    "protocol.key_not_integer": (
        "The peer's {scheme} key is not an integer.",
        "对方的 {scheme} 公钥不是整数，无法使用；请确认双方运行相同版本的联模后重试。"),
    "protocol.key_too_short": (
        "The peer's {scheme} key is shorter than {bits:d} bits.",
        "对方的 {scheme} 公钥短于 {bits:d} 位，不够安全；请对方改用至少 {bits:d} 位的密钥后重试。"),
    "protocol.key_too_long": (
        "The peer's {scheme} key is longer than {bits:d} bits.",
        "对方的 {scheme} 公钥长于 {bits:d} 位的上限；请对方改用不超过 {bits:d} 位的密钥后重试。"),
    "protocol.key_even": (
        "The peer's {scheme} key is even.",
        "对方的 {scheme} 公钥是偶数，不是正常生成的密钥；请与对方核实其联模版本后重试。"),
    "protocol.key_small_factor": (
        "The peer's {scheme} key has a small prime factor.",
        "对方的 {scheme} 公钥含有很小的素因子，不是正常生成的密钥；请与对方核实其联模版本后重试。"),
    "protocol.paillier_key_form": (
        "The peer's Paillier key is not a product of two distinct primes.",
        "对方的 Paillier 公钥不是两个不同素数的乘积，不是正常生成的密钥；请与对方核实其联模版本后重试。"),
    "protocol.ou_key_form": (
        "The peer's OU key is not of the form p^2 q.",
        "对方的 OU 公钥不是 p²q 的形式，不是正常生成的密钥；请与对方核实其联模版本后重试。"),
    "protocol.ciphertext_block": (
        "The peer sent a ciphertext block of the wrong size.",
        "对方发来的密文块大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.ciphertext_range": (
        "The peer sent a ciphertext outside the valid range.",
        "对方发来的密文超出了有效范围；请确认双方运行相同版本的联模后重试。"),
    "protocol.ciphertext_not_invertible": (
        "The peer sent a ciphertext that is not invertible.",
        "对方发来的密文不可逆，无法使用；请确认双方运行相同版本的联模后重试。"),
    "protocol.packed_count": (
        "The number of packed histogram values is wrong.",
        "对方发来的打包直方图数值个数不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.mpc_not_bytes": (
        "The peer's MPC message is not bytes.",
        "对方发来的安全多方计算消息不是字节数据；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_point_count": (
        "The peer sent the wrong number of base-OT points.",
        "对方发来的基础不经意传输（OT）点数不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_bad_point": (
        "The peer sent an invalid base-OT point.",
        "对方发来的基础不经意传输（OT）点无效；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_matrix_size": (
        "The peer's OT-extension matrix has the wrong size.",
        "对方发来的 OT 扩展矩阵大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_corrections_differ": (
        "The peer's correlated-OT corrections do not match.",
        "对方发来的相关 OT 校正值与约定不符；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_corrections_size": (
        "The peer's OT corrections have the wrong size.",
        "对方发来的 OT 校正值大小不对；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_not_agreed": (
        "The peer's OT extension is not the one agreed.",
        "对方的 OT 扩展与双方约定的不一致；请确认双方运行相同版本的联模后重试。"),
    "protocol.ot_out_of_order": (
        "The peer sent an OT '{kind}' message out of order.",
        "对方发来的 OT “{kind}”消息顺序不对；请重试，并确认双方运行相同版本的联模。"),
    "protocol.triples_unexpected": (
        "The peer sent a triples message we did not expect.",
        "对方发来了本方此时不应收到的乘法三元组消息；请重试，并确认双方运行相同版本的联模。"),
    "protocol.triples_out_of_order": (
        "The peer sent a triples message out of order or for another number of triples.",
        "对方发来的乘法三元组消息顺序不对，或三元组数量与约定不同；请重试，并确认双方运行相同版本的联模。"),
    "protocol.triples_fields": (
        "The peer's triples message {seq:d} has the wrong fields ('{field}').",
        "对方发来的第 {seq:d} 条乘法三元组消息字段不对（“{field}”）；请确认双方运行相同版本的联模后重试。"),
    "protocol.opening_out_of_order": (
        "The peer sent an opening out of order.",
        "对方公开中间值的消息顺序不对；请重试，并确认双方运行相同版本的联模。"),
    "protocol.opening_length": (
        "The peer opened a product of another length.",
        "对方公开的乘积长度与本方不同；请重试，并确认双方运行相同版本的联模。"),
    "protocol.alignment_not_map": (
        "The peer sent an alignment message that is not a map.",
        "对方发来的样本对齐消息格式不对（不是映射）；请确认双方运行相同版本的联模后重试。"),
    "protocol.alignment_unknown_type": (
        "The peer sent an alignment message with an unknown 'type'.",
        "对方发来的样本对齐消息类型（'type'）未知；请确认双方运行相同版本的联模后重试。"),
    "protocol.alignment_not_now": (
        "The peer sent an alignment '{event}' message that is not allowed now (field 'type', "
        "state {state}).",
        "对方发来的样本对齐“{event}”消息此时不应出现（字段 'type'，状态 {state}）；请重新运行对齐，并确认双方运行相同版本的联模。"),
    "cross.alignment_cancelled": (
        "The other party cancelled the alignment.",
        "对方取消了样本对齐；如仍需对齐，请与对方确认后重新提议。"),
    "cross.alignment_stopped": (
        "The other party stopped the alignment because of an error.",
        "对方因出错停止了样本对齐；请让对方查看其联模中的错误信息，处理后重新运行。"),
    "cross.alignment_cut_off": (
        "The connection to the other party closed during alignment.",
        "样本对齐过程中与对方的连接断开了；请检查网络后继续这个任务。"),
    "net.truncated_frame": (
        "The connection ended in the middle of a message (a truncated frame).",
        "连接在一条消息传到一半时断开了（帧被截断）；请检查网络后重试。"),
    "net.empty_frame": (
        "The peer sent an empty frame (length 0).",
        "对方发来了一个空帧（长度为 0）；请确认双方运行相同版本的联模后重试。"),
    "net.frame_too_big": (
        "The peer announced a frame of {size:d} bytes, over the limit of {limit:d} bytes.",
        "对方声明的帧有 {size:d} 字节，超过了 {limit:d} 字节的上限，已拒绝；请确认双方运行相同版本的联模后重试。"),
    "net.message_too_big": (
        "The peer announced a message of {size:d} bytes, over the limit of {limit:d} bytes for its "
        "type.",
        "对方声明的消息有 {size:d} 字节，超过了该类消息 {limit:d} 字节的上限，已拒绝；请确认双方运行相同版本的联模后重试。"),
    "net.handshake_mismatch": (
        "The session handshake did not match on both sides (a tampered or downgraded "
        "negotiation); the connection was refused.",
        "双方的会话握手结果不一致（协商可能被篡改或降级），连接已拒绝；请检查双方之间的网络设备后重试，如再次出现请联系对方核实。"),
    "net.wrong_message": (
        "The peer sent '{got}' where '{expected}' was expected.",
        "对方发来了“{got}”，而本方等待的是“{expected}”；请重试，并确认双方运行相同版本的联模。"),
    "net.not_reached": (
        "Could not reach the peer.",
        "无法连接对方；请确认对方的联模正在监听，并检查为对方登记的地址。"),
    "net.our_certificate_refused": (
        "{why} Our fingerprint is {fingerprint}.",
        "{why}本方指纹是 {fingerprint}；请把它告诉对方，让对方核对并登记。"),
    "net.handshake_dropped": (
        "A computer connected but did not complete the secure handshake in time and was dropped.",
        "有一台电脑连接后没有及时完成安全握手，已断开；如果是合作方，请让对方检查网络后重新连接。"),
    "net.hung_up": (
        "A connecting computer hung up during the handshake; it may not have accepted our "
        "certificate (check its pin for us).",
        "正在连接的电脑在握手期间断开了；它可能不接受本方的证书。请让对方核对为本方登记的指纹。"),
    "net.certificate_unreadable": (
        "The peer's certificate could not be read.",
        "无法读取对方的证书；请确认对方地址是联模的监听地址，或让对方重新导出证书。"),
    "net.certificate_not_yet_valid": (
        "The peer's certificate is not valid yet; check both computers' clocks.",
        "对方的证书尚未生效；请检查双方电脑的时钟是否准确。"),
    "net.certificate_expired": (
        "The peer's certificate has expired; the peer must renew it.",
        "对方的证书已过期；请对方更新证书后再连接。"),
    "net.certificate_key_type": (
        "The peer's certificate does not use an ECDSA P-256 key.",
        "对方的证书没有使用 ECDSA P-256 密钥，不是联模生成的证书；请确认对方地址是联模的监听地址。"),
    "net.certificate_signature": (
        "The peer's certificate is not correctly self-signed.",
        "对方证书的自签名不正确；请确认对方地址是联模的监听地址，并与对方核对指纹。"),
    "net.certificate_constraints": (
        "The peer's certificate lacks basic constraints.",
        "对方的证书缺少基本约束扩展，不是联模生成的证书；请确认对方地址是联模的监听地址。"),
    "net.certificate_is_ca": (
        "The peer's certificate claims to be a certificate authority.",
        "对方的证书自称是证书颁发机构（CA），联模不接受这种证书；请确认对方地址是联模的监听地址。"),
    "peering.bad_fingerprint": (
        "A fingerprint is 64 hexadecimal digits (spaces or colons allowed).",
        "指纹由 64 位十六进制数字组成（可以带空格或冒号）；请向对方索取完整指纹后重新输入。"),
    "store.no_alignment": (
        "There is no alignment {alignment}.",
        "没有对齐结果 {alignment}；请在“样本对齐”页面查看已有的对齐结果。"),
    "store.no_model": (
        "There is no model {model}.",
        "没有模型 {model}；请在“模型训练”页面查看已有的模型。"),
    "store.bad_model_id": (
        "A model id is 1-64 letters, digits, '.', '-' or '_'.",
        "模型编号须为 1-64 个字母、数字或 '.'、'-'、'_'；请检查模型编号。"),
    "store.array_not_numeric": (
        "Array '{name}' must be a 1-D or 2-D numeric array.",
        "数据“{name}”不是一维或二维的数值数组，无法保存到工作区；请把这个问题报告给联模的维护人员。"),
    "store.no_array": (
        "No stored array named '{name}'.",
        "工作区中没有名为“{name}”的数据；相关数据可能已被删除，请重新生成后重试。"),
    "store.array_type": (
        "Stored array '{name}' has a disallowed type.",
        "工作区中保存的数据“{name}”类型不允许，可能已损坏；请用 workspace verify 命令检查工作区。"),
    "store.array_too_long": (
        "Stored array '{name}' is longer than its shape says.",
        "工作区中保存的数据“{name}”比记录的长度长，可能已损坏；请用 workspace verify 命令检查工作区。"),
    "store.array_too_short": (
        "Stored array '{name}' is shorter than its shape says.",
        "工作区中保存的数据“{name}”比记录的长度短，可能已损坏；请用 workspace verify 命令检查工作区。"),
    "store.model_damaged": (
        "A stored model or checkpoint is damaged.",
        "工作区中保存的模型或检查点已损坏；请用 workspace verify 命令检查工作区，必要时重新训练模型。"),
    "store.disk_full": (
        "The disk holding the workspace is full: the change was not saved and the workspace is "
        "as it was before. Free some space and try again.",
        "工作区所在的磁盘已满：这次更改没有保存，工作区保持原样。请腾出一些空间后重试。"),
    "store.no_room_to_import": (
        "Importing this data needs about {need} MB free on the disk holding the workspace, but "
        "only {free} MB are free; free some space (or move the workspace) and try again. Nothing "
        "was changed.",
        "导入这些数据需要工作区所在磁盘约有 {need} MB 可用空间，但只有 {free} MB；请腾出空间（或把工作区移到其他磁盘）后重试。没有做任何更改。"),
    # -- said in the reader's language too: sentences passed on, warnings, TLS refusals --------
    "peering.peer_rolled_back": (
        "The peer '{peer}' shows an audit chain of {seq:d} entries after having shown "
        "{last_seq:d}: its history was rolled back or replaced.",
        "对方“{peer}”的审计链现在只有 {seq:d} 条记录，而它此前已出示过 {last_seq:d} 条：对方的历史记录被回滚或替换了。"
        "请联系对方核实其工作区是否从旧备份恢复，核实之前不要在其上运行新任务。"),
    "peering.we_rolled_back": (
        "The peer '{peer}' holds our signature over {proven:d} entries of our audit chain, but "
        "it now has {seq:d}: this workspace was rolled back.",
        "对方“{peer}”持有本方对本方审计链前 {proven:d} 条记录的签名，但本方审计链现在只有 {seq:d} 条："
        "本工作区被回滚了（可能从旧备份恢复）。请让管理员核实工作区的来历，必要时恢复最新的备份。"),
    "net.tls_closed_in_handshake": (
        "The other side closed the connection during the secure handshake.",
        "对方在安全握手期间关闭了连接；请确认对方已登记本方的指纹，并检查网络后重试。"),
    "net.tls_no_client_certificate": (
        "A computer connected without a client certificate and was refused.",
        "有一台电脑没有出示客户端证书就来连接，已拒绝；如果是合作方，请让对方确认在联模中登记了本方。"),
    "net.tls_client_expired": (
        "A computer presented an expired certificate and was refused.",
        "有一台电脑出示了已过期的证书，已拒绝；如果是合作方，请让对方续期证书后把新指纹告诉本方。"),
    "net.tls_client_not_pinned": (
        "A computer presented a certificate that is not pinned here and was refused.",
        "有一台电脑出示了本方未登记的证书，已拒绝；如果是合作方，请核对其指纹并在“对方”页面登记。"),
    "net.tls_our_certificate_expired": (
        "The peer refused our certificate because it has expired; renew it.",
        "对方拒绝了本方的证书，因为它已过期；请续期本方证书，并把新指纹告诉对方。"),
    "net.tls_our_certificate_refused": (
        "The peer refused our certificate; ask them to pin our fingerprint.",
        "对方拒绝了本方的证书；请让对方登记本方的指纹。"),
    "net.tls_peer_old_tls": (
        "The peer does not support TLS 1.3; the connection was refused.",
        "对方不支持 TLS 1.3，连接已拒绝；请让对方升级联模。"),
    "net.tls_client_old_tls": (
        "The other computer does not support TLS 1.3; the connection was refused.",
        "来连接的电脑不支持 TLS 1.3，连接已拒绝；如果是合作方，请让对方升级联模。"),
    "net.tls_not_tls": (
        "The other side did not speak TLS; the connection was refused.",
        "对方没有使用 TLS 通信，连接已拒绝；请检查为对方登记的地址和端口是否指向对方的联模。"),
    "net.tls_failed": (
        "The secure connection failed ({reason}).",
        "安全连接失败（{reason}）；请检查网络和双方的证书后重试。"),
    # -- what the peer sends (app/schema, app/protocols) -----------------------------------
    "protocol.bad_field": (
        "{field}: the partner sent something this version cannot accept; check that both "
        "parties run the same Lianmo version.",
        "{field}：对方发送了本版本无法接受的内容；请确认双方运行相同版本的联模。"),
    "protocol.peer_sent": (
        "{detail} Check that both parties run the same Lianmo version and try again.",
        "对方发来的消息无法接受（{detail}）；请确认双方运行相同版本的联模后重试。"),
    "protocol.wrong_job": (
        "{message}: answers a different job; try again, and check that both parties run the "
        "same Lianmo version.",
        "{message}：对方的回答属于另一个任务；请重试，并确认双方运行相同版本的联模。"),
    "protocol.unexpected": (
        "{message}: not expected now; the partner may run another Lianmo version. Check that "
        "both parties run the same version and try again.",
        "{message}：对方发送了本版本此时不应收到的消息；请确认双方运行相同版本的联模后重试。"),
}


# Words passed as parameters (a column's role, an ID type): said in the reader's language too.
TERMS: dict[str, tuple[str, str]] = {
    "identifier": ("identifier", "标识"),
    "feature": ("feature", "特征"),
    "contact flag": ("contact flag", "联系标志"),
    "label": ("label", "标签"),
    "branch": ("branch", "网点"),
    "customer name": ("customer name", "客户姓名"),
    "last contact": ("last contact", "最近联系日期"),
    "purpose": ("purpose", "用途"),
    "granted at": ("granted at", "授权时间"),
    "expires at": ("expires at", "到期时间"),
    "revoked at": ("revoked at", "撤回时间"),
    "bound-at": ("bound-at", "绑定时间"),
    "channel": ("channel", "渠道"),
    "reference": ("reference number", "参考编号"),
    "mobile": ("mobile number", "手机号"),
    "id_card": ("resident ID number", "身份证号"),
    "opaque": ("customer number", "客户号"),
    "administrator": ("Administrator", "管理员"),
    "analyst": ("Analyst", "分析师"),
    "branch_manager": ("Branch manager", "网点经理"),
    # job states
    "proposed": ("proposed", "已提议"),
    "approved": ("approved", "已批准"),
    "running": ("running", "运行中"),
    "finished": ("finished", "已完成"),
    "failed": ("failed", "失败"),
    "paused": ("paused", "已暂停"),
    "interrupted": ("interrupted", "已中断"),
    "rejected": ("rejected", "已拒绝"),
    "cancelled": ("cancelled", "已取消"),
    # job types
    "alignment": ("alignment", "对齐"),
    "training": ("training", "训练"),
    "scoring": ("scoring", "评分"),
    "evaluation_share": ("evaluation_share", "效果评估共享"),
    # the rehearsal's two parties
    "bank": ("bank", "银行"),
    "platform": ("platform", "平台"),
    # what is wrong with a field of the peer's message (protocol.field_refused)
    "does not match the approved job": ("does not match the approved job", "与批准的任务不一致"),
    "is not where this party stopped": ("is not where this party stopped", "不是本方上次停下的位置"),
    "does not match the aligned rows": ("does not match the aligned rows", "与对齐结果的行数不一致"),
    "is not the approved key size": ("is not the approved key size", "不是批准的密钥长度"),
    "is out of order": ("is out of order", "顺序不对"),
    "is out of range": ("is out of range", "超出范围"),
    "exceeds the approved number of trees": ("exceeds the approved number of trees",
                                             "超过了批准的树数量"),
    "asks for partner features in a first tree approved as bank-only": (
        "asks for partner features in a first tree approved as bank-only",
        "要求在批准为只用银行特征的第一棵树中使用合作方特征"),
    "exceeds the approved depth": ("exceeds the approved depth", "超过了批准的树深度"),
    "has an unknown node kind": ("has an unknown node kind", "含有未知的节点类型"),
    "splits a node that does not exist": ("splits a node that does not exist", "要分裂一个不存在的节点"),
    "names no offered feature": ("names no offered feature", "指向的不是本方提供的特征"),
    "would leave a child below the minimum leaf size": (
        "would leave a child below the minimum leaf size", "会使一个子节点少于最小叶子样本数"),
    "came before setup": ("came before setup", "在初始化之前到达"),
    "does not match the rows to score": ("does not match the rows to score", "与待评分的行数不一致"),
    "repeats a split reference": ("repeats a split reference", "重复使用了同一个分裂引用"),
    "leaves a child empty": ("leaves a child empty", "使一个子节点为空"),
    "has non-zero padding": ("has non-zero padding", "填充位不为零"),
    # what of the peer's encrypted values has the wrong size (protocol.values_size)
    "products": ("products", "加密乘积"),
    "gradients": ("gradients", "加密梯度"),
    "encrypted weight shares": ("encrypted weight shares", "加密的权重份额"),
    "encrypted residual shares": ("encrypted residual shares", "加密的残差份额"),
    "TLS error": ("TLS error", "TLS 错误"),
}


class Term(str):
    """A parameter that is a word of the product (see ``TERMS``), not data: translated too."""


class Sentences(tuple):
    """A parameter that is whole sentences (the problems of a proposal), not a list of words:
    said as prose, each sentence closed by its full stop ("." then a space in English, "。" in
    Chinese), where ``human`` joins a plain list with commas."""


def normalize(code: str | None) -> str:
    """``zh_CN`` for any Chinese locale name (``zh_CN.UTF-8``, ``zh``), otherwise ``en``."""
    return "zh_CN" if (code or "").lower().replace("-", "_").startswith("zh") else "en"


def locale_language(environ=None) -> str:
    """The language the locale asks for: the first set of LC_ALL, LC_MESSAGES, LANG (POSIX order)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return normalize(env[name])
    return "en"


class _Formatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value, format_spec: str) -> str:
        if not format_spec:
            return human(value, self.language)
        return super().format_field(value, format_spec)


def human(value, language: str = "en") -> str:
    """A parameter as people write it: thousands separators, no exponent, lists joined."""
    if isinstance(value, Term):
        entry = TERMS.get(str(value))
        return str(value) if entry is None else entry[normalize(language) == "zh_CN"]
    if isinstance(value, Sentences):
        return _prose([human(v, language) for v in value], normalize(language) == "zh_CN")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(human(v, language) for v in value)
    if isinstance(value, dict) and isinstance(value.get("code"), str):   # a stored record
        if value["code"] not in CATALOGUE and isinstance(value.get("en"), str):
            return value["en"]
        return render(value["code"], value.get("params") or {}, language)
    if isinstance(value, dict) and isinstance(value.get("term"), str):
        return human(Term(value["term"]), language)
    if isinstance(value, dict) and isinstance(value.get("sentences"), list):
        return human(Sentences(value["sentences"]), language)
    return str(value)


def _prose(sentences: list[str], chinese: bool) -> str:
    """Sentences one after another, each ending with a full stop of the reader's language."""
    stops = ("。", "！", "？", ".", "!", "?") if chinese else (".", "!", "?", "。")
    said = [s.strip() for s in sentences if s.strip()]
    closed = [s if s.endswith(stops) else s.rstrip("；;，,") + ("。" if chinese else ".")
              for s in said]
    return ("" if chinese else " ").join(closed)


def fields(text: str) -> set[str]:
    """The parameter names a catalogue text uses."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def render(code: str, params: dict, language: str = "en") -> str:
    """Catalogue entry ``code`` in ``language`` with ``params`` filled in.

    An unknown code or a missing parameter still gives a sentence (the code itself), never an
    exception while reporting another one.
    """
    entry = CATALOGUE.get(code)
    if entry is None:
        return code
    language = normalize(language)
    text = entry[1] if language == "zh_CN" else entry[0]
    try:
        return _Formatter(language).vformat(text, (), params)
    except (KeyError, IndexError, ValueError):
        return code


def render_all(coded: list[tuple[str, dict]], language: str = "en") -> list[str]:
    """(code, parameters) pairs (an import's or a session's warnings) as sentences."""
    return [render(code, params, language) for code, params in coded]


# -- coded sentences kept in the workspace (a job's error, a refusal's reason) ------------------
def _plain(value):
    """A parameter as JSON keeps it: a Term stays a term, a nested record stays a record."""
    if isinstance(value, Term):
        return {"term": str(value)}
    if isinstance(value, Sentences):
        return {"sentences": [_plain(v) for v in value]}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(code: str, params: dict | None = None) -> dict:
    """``code`` and its parameters as plain JSON values (a parameter of another record)."""
    return {"code": code, "params": _plain(dict(params or {}))}


def stored(code: str | None, params: dict | None, english: str, limit: int = 500) -> str:
    """The text to keep for a sentence that must be said later in the reader's language: the
    record as JSON when it is coded and fits ``limit``, else the English sentence (cut)."""
    if code is not None:   # the English rides along: a newer peer's unknown code still reads
        text = json.dumps({**record(code, params), "en": english}, ensure_ascii=False,
                          sort_keys=True)
        if len(text) <= limit:
            return text
    return english[:limit]


def parse_stored(text: str | None) -> dict | None:
    """The record in ``text`` kept by :func:`stored` (None for a plain sentence)."""
    if not text or not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("code"), str) \
            and isinstance(value.get("params", {}), dict):
        return value
    return None


def say_stored(text: str | None, language: str = "en") -> str:
    """A kept sentence in ``language``: a record is rendered, a plain sentence shown as it is."""
    value = parse_stored(text)
    return (text or "") if value is None else human(value, language)
