"""Write the sample self-evaluation workbooks (and the GB18030 CSV) that tests/test_table_read.py reads.

Run once from the repository root after changing a sample, and commit what it writes:

    python tests/tables/make_samples.py

The output is byte for byte the same on every run (fixed timestamps inside the workbooks), so
the test suite checks that the committed files are what this script makes. The layouts copy
what real tables do: merged title and label cells, a budget block in a row above the indicators,
vertically merged 一级/二级 cells, a header on two lines, numbers typed as text, float noise from
formulas, percent formats, extra columns, blank rows, notes and footers. Names of units are made
up; the numbers are invented but consistent unless a comment says they are not.
"""

from __future__ import annotations

import datetime
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
FIXED = (2024, 1, 1, 0, 0, 0)


def text(cell: Any) -> None:
    """Keep 「=100%」 as the text a unit typed (as Excel does after a leading apostrophe), not a formula."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def put(sheet: Worksheet, ref: str, value: Any, number_format: str | None = None, merge: str | None = None) -> None:
    """Write one cell; ``merge`` is the range it spans (its top-left cell is ``ref``)."""
    sheet[ref] = value
    text(sheet[ref])
    if number_format:
        sheet[ref].number_format = number_format
    if merge:
        sheet.merge_cells(merge)


def row(sheet: Worksheet, number: int, values: Sequence[Any], formats: dict[int, str] | None = None) -> None:
    """Write a row from column A; None leaves a cell empty."""
    for index, value in enumerate(values):
        if value is not None:
            cell = sheet.cell(number, index + 1, value)
            text(cell)
            if formats and index in formats:
                cell.number_format = formats[index]


def save(book: Workbook, path: Path) -> None:
    """Save with fixed timestamps, so the same workbook gives the same bytes."""
    book.properties.creator = "perfscore tests"
    book.properties.created = datetime.datetime(*FIXED)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED), data, zipfile.ZIP_DEFLATED)


def anhui_project() -> Workbook:
    """A 项目支出绩效自评表 after the national template (财预〔2020〕10号): one-line header, the
    budget block with merged labels, 产出 50 / 效益 30 / 满意度 10 / 预算执行 10, scores from
    formulas (float noise, ``0.00`` and ``0.00%`` formats), 总分 and 评价等级, a 填表人 footer."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    put(sheet, "A1", "项目支出绩效自评表", merge="A1:J1")
    put(sheet, "A2", "（2022年度）", merge="A2:J2")
    put(sheet, "A3", "项目名称", merge="A3:B3")
    put(sheet, "C3", "农村饮水安全巩固提升工程", merge="C3:J3")
    put(sheet, "A4", "主管部门", merge="A4:B4")
    put(sheet, "C4", "某某县水利局", merge="C4:E4")
    put(sheet, "F4", "实施单位", merge="F4:G4")
    put(sheet, "H4", "某某县农村供水服务中心", merge="H4:J4")
    put(sheet, "A5", "项目资金（万元）", merge="A5:B9")
    row(sheet, 5, [None, None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    money = {3: "0.00", 4: "0.00", 5: "0.00"}
    row(sheet, 6, [None, None, "年度资金总额", 500, 520, 507.4, 10, 507.4 / 520, 507.4 / 520 * 10],
        {**money, 7: "0.00%", 8: "0.00"})  # fmt: skip
    row(sheet, 7, [None, None, "其中：当年财政拨款", 400, 420, 410, "—", "—", "—"], money)
    row(sheet, 8, [None, None, "上年结转资金", 100, 100, 97.4, "—", "—", "—"], money)
    row(sheet, 9, [None, None, "其他资金", 0, 0, 0, "—", "—", "—"], money)
    put(sheet, "A10", "年度总体目标", merge="A10:B11")
    put(sheet, "C10", "预期目标", merge="C10:F10")
    put(sheet, "G10", "实际完成情况", merge="G10:J10")
    put(sheet, "C11", "新建和改造供水管网，巩固提升农村供水保障水平", merge="C11:F11")
    put(sheet, "G11", "完成管网建设52公里，改造水厂3座", merge="G11:J11")
    row(sheet, 12, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    put(sheet, "H12", "偏差原因分析及改进措施", merge="H12:J12")
    put(sheet, "A13", "产出指标", merge="A13:A19")
    put(sheet, "B13", "数量指标", merge="B13:B15")
    put(sheet, "B16", "质量指标", merge="B16:B17")
    put(sheet, "B18", "时效指标")
    put(sheet, "B19", "成本指标")
    put(sheet, "A20", "效益指标", merge="A20:A22")
    put(sheet, "B20", "社会效益指标", merge="B20:B21")
    put(sheet, "B22", "可持续影响指标")
    put(sheet, "A23", "满意度指标")
    put(sheet, "B23", "服务对象满意度指标")
    indicators = [
        ("新建供水管网长度", "≥50公里", "52公里", 10, 10, None),
        ("改造水厂数量", "=3座", "3座", 10, 10, None),
        ("受益人口", "≥2万人", "1.8万人", 10, 1.8 / 2 * 10, "部分村庄管网未完工，2023年6月前完成"),
        ("水质达标率", "≥95%", "96.8%", 5, 5, None),
        ("工程验收合格率", "=100%", "100%", 5, 5, None),
        ("完工及时率", "≥90%", "85%", 5, 85 / 90 * 5, "受汛期影响工期延后"),
        ("单位管网建设成本", "≤12万元/公里", "11.5万元/公里", 5, 5, None),
        ("农村自来水普及率", "≥90%", "92%", 10, 10, None),
        ("供水保证率", "≥95%", "95%", 10, 10, None),
        ("工程运行维护机制", "有效", "基本达成", 10, 8, "管护制度尚需完善"),
        ("受益群众满意度", "≥90%", "93%", 10, 10, None),
    ]
    for offset, (name, target, actual, points, score, note) in enumerate(indicators):
        number = 13 + offset
        row(sheet, number, [None, None, name, target, actual, points, score], {6: "0.00"})
        if note:
            put(sheet, f"H{number}", note, merge=f"H{number}:J{number}")
    put(sheet, "A24", "总分", merge="A24:E24")
    row(sheet, 24, [None, None, None, None, None, 100, 96.48], {6: "0.00"})
    put(sheet, "A25", "评价等级", merge="A25:E25")
    put(sheet, "F25", "优", merge="F25:J25")
    put(sheet, "A27", "填表人：王某    联系电话：0551-0000000    填报日期：2023年3月10日", merge="A27:J27")
    return book


def sichuan_department() -> Workbook:
    """A 部门整体支出绩效自评表 in a Sichuan-style layout (预算执行 10 + 90 for the rest): budget
    labels each followed by their value, a header on two lines (「绩效指标」 over 一级/二级/三级,
    the other names merged down), an extra 指标解释 column and a 备注 column, numbers typed as text
    (「１５」, 「15分」, 「9.5分」), a blank row inside the block, 「合 计」, an inline 「自评等级：优」,
    notes after the table, an instructions sheet and a hidden template sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "部门整体支出绩效自评表"
    put(sheet, "A1", "2023年度部门整体支出绩效自评表", merge="A1:J1")
    put(sheet, "A2", "部门（单位）名称：")
    put(sheet, "B2", "某某市生态环境局", merge="B2:E2")
    put(sheet, "F2", "填报日期")
    put(sheet, "G2", datetime.datetime(2024, 3, 15), "yyyy-mm-dd")
    row(
        sheet,
        4,
        ["全年预算数（万元）", "１，２３０．５０", "全年执行数（万元）", 1198.2, "执行率", "97.38%"],
        {3: "0.00"},
    )
    put(sheet, "A6", "绩效指标", merge="A6:C6")
    for column, name in zip(
        "DEFGHIJ", ["指标解释", "年度目标值", "全年实际值", "分值（分）", "自评得分", "偏差原因", "备注"], strict=True
    ):
        put(sheet, f"{column}6", name, merge=f"{column}6:{column}7")
    row(sheet, 7, ["一级指标", "二级指标", "三 级 指 标"])
    put(sheet, "A8", "预算执行")
    row(sheet, 8, [None, "预算执行率", "预算执行率", "全年执行数/全年预算数", "100%", "97.38%", "10", "9.74",
                   "部分项目资金年底拨付，未及时支出"])  # fmt: skip
    put(sheet, "A9", "产出", merge="A9:A14")
    put(sheet, "B9", "职责履行", merge="B9:B11")
    put(sheet, "B12", "履职质量", merge="B12:B14")
    row(sheet, 9, [None, None, "环境监测任务完成率", "完成监测任务数/计划数", "≥95%", "98%", "１５", "15分"])
    row(sheet, 10, [None, None, "执法检查次数", None, "≥120次", "136次", 10, 10])
    row(sheet, 11, [None, None, "信访案件办结率", None, "100%", "100%", 10, 10, None, "含转办件"])
    row(sheet, 12, [None, None, "空气质量优良天数比率", None, "≥88%", "86.3%", 15, 14.71, "沙尘天气偏多"])
    row(sheet, 13, [None, None, "重点工作办结率", None, "100%", "100%", 10, 10])
    # row 14 is left blank inside the merged 产出/履职质量 cells
    put(sheet, "A15", "效果", merge="A15:A17")
    put(sheet, "B15", "履职效益", merge="B15:B16")
    row(sheet, 15, [None, None, "环境投诉下降率", None, "≥5%", "6.2%", 10, 10])
    row(sheet, 16, [None, None, "社会公众满意度", None, "≥90%", "91.5%", 10, 10])
    row(sheet, 17, [None, "可持续影响", "长效管理机制建立", None, "建立", "已建立", 10, "9.5分", "部分制度待印发"])
    put(sheet, "A18", "合 计", merge="A18:F18")
    row(sheet, 18, [None, None, None, None, None, None, "100", "98.95"])
    put(sheet, "A19", "自评等级：优", merge="A19:J19")
    put(sheet, "A21", "注：1. 执行率=全年执行数/全年预算数；", merge="A21:J21")
    put(sheet, "A22", "2. 分值合计为100分，得分保留两位小数。", merge="A22:J22")
    notes = book.create_sheet("填表说明")
    notes["A1"] = "填表说明"
    notes["A2"] = "一级指标、二级指标、三级指标按本部门实际填写；得分保留两位小数。"
    hidden = book.create_sheet("模板")
    row(hidden, 1, ["一级指标", "二级指标", "三级指标", "年度目标值", "全年实际值", "分值", "自评得分"])
    hidden.sheet_state = "hidden"
    return book


def hubei_workbook() -> Workbook:
    """A workbook holding two project tables, an instructions sheet and a summary sheet: budget
    labels merged over pairs of columns, the name inline (「项目名称：…」), header names 指标值 /
    实际值 / 权重, numbers as a percent format and as a date, float noise in General format, a
    subtotal row per 一级指标, a header repeated after a page break, and a totals row that does not
    add up (kept as written: the audit reports it)."""
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "填表说明"
    guide["A1"] = "本工作簿每个项目一张自评表；汇总表由系统生成。"
    roads = book.create_sheet("项目1-道路养护")
    put(roads, "A1", "2023年度项目支出绩效自评表", merge="A1:I1")
    put(roads, "A2", "项目名称：城区道路养护", merge="A2:I2")
    put(roads, "A3", "资金情况（万元）", merge="A3:B4")
    for column, name in zip("CEGH", ["年初预算数", "全年预算数", "全年执行数", "执行率"], strict=True):
        put(roads, f"{column}3", name, merge=f"{column}3:{chr(ord(column) + 1)}3" if column in "CE" else None)
    put(roads, "C4", 300, "0.00", merge="C4:D4")
    put(roads, "E4", 320, "0.00", merge="E4:F4")
    put(roads, "G4", 318.4, "0.00")
    put(roads, "H4", 318.4 / 320, "0.00%")
    row(roads, 6, ["一级指标", "二级指标", "三级指标", "指标值", "实际值", "权重", "得分", "偏差原因分析及改进措施"])
    put(roads, "A7", "产出指标", merge="A7:A10")
    row(roads, 7, [None, "数量指标", "道路养护面积（万平方米）", 50, 52, 20, 20])
    row(roads, 8, [None, "质量指标", "路面完好率", "≥95%", 0.968, 20, 20], {4: "0.0%"})
    row(roads, 9, [None, "时效指标", "养护完成时间", datetime.datetime(2023, 11, 30), "2023-12-15", 10,
                   0.1 + 0.2 + 9.65, "雨季延误"], {3: "yyyy-mm-dd"})  # fmt: skip
    row(roads, 10, [None, "成本指标", "单位面积养护成本", "≤6元/平方米", "5.8元/平方米", 10, 10])
    row(
        roads,
        11,
        ["效益指标", "社会效益指标", "道路通行效率提升", "明显提升", "有所提升", 20, 17, "部分路段施工期拥堵"],
    )
    row(roads, 12, ["满意度指标", "服务对象满意度指标", "市民满意度", "≥85%", "88%", 10, 10])
    row(roads, 13, ["预算执行", "预算执行率", "预算执行率", "100%", "99.5%", 10, 9.95])
    row(roads, 14, ["总分", None, None, None, None, 100, 96.1])  # the rows add up to 96.9: not fixed here
    put(roads, "I14", "评价等级")
    put(roads, "I15", "良")  # below its label, not beside it: read as no grade
    training = book.create_sheet("项目2-职业培训")
    put(training, "A1", "项目支出绩效自评表", merge="A1:H1")
    row(training, 2, ["项目名称", "农民工职业技能培训", None, "年度", "2023年"])
    row(training, 3, [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    row(training, 4, ["年度资金总额", "80", "85", "85", "10", "100%", "10"])
    row(
        training,
        6,
        [
            "序号",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    )
    row(training, 7, [None, "产出指标", None, None, None, None, 40, 38.5])  # the 一级 subtotal row
    row(training, 8, [1, None, "数量指标", "培训人次", "≥2000人次", "2150人次", 20, 20])
    row(training, 9, [2, None, "质量指标", "培训合格率", "≥90%", "83%", 20, 18.5, "部分学员未参加考核"])
    row(
        training,
        10,
        [
            "序号",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
    )
    row(training, 11, [3, "效益指标", "社会效益指标", "培训后就业率", "≥70%", "76%", 40, 40])
    row(training, 12, [4, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", 10, 10])
    row(training, 13, ["合计", None, None, None, None, None, 100, 98.5])
    put(training, "A15", "说明：本项目分值按省财政厅通知调整。", merge="A15:I15")
    put(training, "A16", "自评等级", merge="A16:B16")
    put(training, "C16", "优")
    summary = book.create_sheet("汇总")
    row(summary, 1, ["项目名称", "自评得分", "等级"])
    row(summary, 2, ["城区道路养护", 96.1, "良"])
    row(summary, 3, ["农民工职业技能培训", 98.5, "优"])
    return book


def forms_project() -> Workbook:
    """A project table filled with every form a reviewer reads without hesitating, as published
    tables write them: a budget block with only its printed rate, a first level the template does
    not have (项目决策), an actual copied with its comparison (「≥266米」), bare numbers (「100」,
    「132.9」), free measure words (亩, 元/人*月), conversions (米 and 厘米, 小时 and 天, 吨 and
    公斤), 「百分比」, units that disagree (户 and 人), stock phrases (「严格执行相关制度规定」,
    「及时」, 「基本及时」), a target written in the indicator's name, an empty target with none
    there, a lower-is-better rate with no comparison, and an actual that is not a value at all."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    put(sheet, "A1", "2023年度项目支出绩效自评表", merge="A1:H1")
    put(sheet, "A2", "项目名称：")
    put(sheet, "B2", "某县高标准农田建设项目", merge="B2:H2")
    row(sheet, 3, ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    row(sheet, 4, ["年度资金总额", "—", "—", "—", 10, "96.5%", 9.65], {6: "0.00"})
    row(sheet, 6, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
    indicators = [
        ("项目决策", "项目立项", "立项依据充分性", "符合相关规定", "符合相关规定", 3, 3, None),
        (None, "资金分配", "资金分配合理性", "合规", "合规", 2, 2, None),
        ("产出指标", "数量指标", "新建高标准农田面积", "≥2万亩", "2.1万亩", 8, 8, None),
        (None, None, "新修机耕路", "≥250米", "≥266米", 5, 5, None),
        (None, None, "受益农户", "≥500户", "520人", 4, 4, None),
        (None, "质量指标", "工程验收合格率", "﹦100%", 100, 6, 6, None),
        (None, None, "灌溉保证率", "≥90百分比", "92%", 5, 5, None),
        (None, None, "渠道衬砌厚度", "≥8厘米", "0.09米", 4, 4, None),
        (None, "时效指标", "项目完工时间", "2023年11月底前", "2023年11月20日", 5, 5, None),
        (None, None, "问题整改时限", "≤5天", "96小时", 4, 4, None),
        (None, "成本指标", "项目总成本", "≤202.6万元", 132.9, 5, 5, None),
        (None, None, "管护人员补助标准", "≤3000元/人*月", "2800元/人*月", 4, 4, None),
        ("效益指标", "经济效益指标", "亩均增产", "≥50公斤", "0.06吨", 5, 5, None),
        (None, "社会效益指标", "经费支出合规性", "严格执行相关制度规定", "及时", 5, 5, None),
        (None, None, "资金拨付及时性", "及时", "基本及时", 5, 5, None),
        (None, "生态效益指标", "农田灌溉水有效利用率达到60%", None, "62%", 5, 5, None),
        (None, "可持续影响指标", "工程管护机制", None, "已建立", 5, 4, "部分村组管护协议未签订"),
        (None, None, "群众投诉发生率", "0.5%", "0.2%", 5, 5, None),
        ("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "详见附件", 10, 10, None),
    ]
    for offset, values in enumerate(indicators):
        row(sheet, 7 + offset, list(values))
    row(sheet, 26, ["总分", None, None, None, None, 105, 103.65], {6: "0.00"})
    row(sheet, 27, ["评价等级", "优"])
    put(sheet, "A29", "填表人：赵某    填报日期：2024年3月8日", merge="A29:H29")
    return book


def two_sheets() -> Workbook:
    """A workbook of two project tables, the second with a 分值 written in words (「十」): that sheet
    cannot be read, the first is audited all the same."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "项目1"
    second = book.create_sheet("项目2")
    for sheet, name, points in ((first, "村级道路硬化", 10), (second, "村级路灯安装", "十")):
        row(sheet, 1, ["项目名称：", name])
        row(sheet, 2, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
        row(sheet, 3, ["产出指标", "数量指标", "完成数量", "≥10个", "10个", 50, 50])
        row(sheet, 4, [None, "质量指标", "验收合格率", "≥95%", "98%", points, 10])
        row(sheet, 5, ["效益指标", "社会效益指标", "群众出行条件", "明显改善", "明显改善", 30, 30])
        row(sheet, 6, ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", 10, 10])
        row(sheet, 7, ["总分", None, None, None, None, None, 100])
    return book


CHONGQING_CSV = """\
重庆市某某区部门整体支出绩效自评表,,,,,,,,
单位名称,重庆市某某区司法局,,,,,,,
评价年度,2023,,,,,,,
预算数,860.00,,,,,,,
执行数,842.35,,,,,,,
执行率,97.95%,,,,,,,
,,,,,,,,
序号,一级,二级,指标名称,目标值,实际值,权重,自评得分,原因分析
1,过程,预算管理,资金使用合规性,合规,合规,5,5,
2,,,管理制度健全性,健全,健全,3,3,
3,,预算执行,预算调整率,≤10%,12.5%,2,1.5,年中追加法律援助经费
4,,,结转结余率,≤5%,2.05%,2,2,
5,,,政府采购执行率,100%,100%,2,2,
6,,资产管理,资产管理安全性,安全,安全,3,3,
7,产出,职责履行,法律援助案件办结率,≥95%,97%,20,20,
8,,,人民调解成功率,≥90%,96.5%,20,20,
9,,履职质量,社区矫正对象再犯罪率,≤0.2%,0.1%,15,15,
10,效果,履职效益,群众法治满意度,≥90%,88%,20,19.56,宣传覆盖面不足
11,,,普法宣传覆盖率,≥85%,90%,8,8,
合计,,,,,,100,98.56,
评价等级,优,,,,,,,
填表人：李某,,,,,,,,
"""
"""Chongqing-style management indicators worth 1–5 points, saved as Excel does for «CSV» in
Chinese Windows (GB18030). The 合计 of 98.56 does not match the rows (99.06): kept as written."""


def main(folder: Path = HERE) -> list[Path]:
    """Write every generated sample into ``folder``; returns the paths written."""
    written = []
    for name, build in [
        ("anhui-2022-project.xlsx", anhui_project),
        ("sichuan-2023-department.xlsx", sichuan_department),
        ("hubei-2023-workbook.xlsx", hubei_workbook),
        ("forms-2023-project.xlsx", forms_project),
        ("broken/two-sheets-2023.xlsx", two_sheets),
    ]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        save(build(), folder / name)
        written.append(folder / name)
    path = folder / "chongqing-2023-management.csv"
    path.write_bytes(CHONGQING_CSV.replace("\n", "\r\n").encode("gb18030"))
    written.append(path)
    return written


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
