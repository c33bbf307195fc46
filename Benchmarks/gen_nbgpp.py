#!/usr/bin/env python3
"""Deterministic nb-gpp (宁波市政府采购云平台) batch generator for the benchmarks.

Writes batches in the dialect of Mappings/tests/nb-gpp/*.xml: UTF-8, Chinese element names,
yyyy年M月d日 dates, amounts in 元 or 万元 with thousands separators, a share of 行政处罚 notices
with 处罚信息 (so credit records are produced), and a small share of records the gateway must
reject (17-character 统一社会信用代码, impossible dates, malformed amounts, unknown 公告类型).

Only the 统一社会信用代码 that appear in the shipped samples are used, so every valid record
passes the GB 32100 check. The same arguments always give byte-identical output (fixed seed).

    gen_nbgpp.py --records 150000 --out big.xml
    gen_nbgpp.py --records 1000 --batches 60 --out-dir batches/    # batch-0001.xml … (distinct 批次号, distinct ids)

A one-line JSON summary (records, bytes, expected rejections, penalties) goes to stderr, or to
--summary FILE.
"""

import argparse
import datetime
import json
import os
import random
import sys

# Valid codes from Mappings/tests (checked against GB 32100 / GB 11714).
AUTHORITIES = [  # 机关 / 事业单位: 采购人 and 处罚机关
    ("宁波市财政局", "11330200WJHFU3DG21"),
    ("宁波市第二医院", "12330200PA2HH99E7H"),
    ("浙江省财政厅", "11330000MFMA6C8B0K"),
    ("杭州市财政局", "11330100RJHTPQQF92"),
    ("温州市财政局", "113303004LWKYERG9Q"),
    ("杭州市第一人民医院", "123301003AGYGLUY2G"),
    ("温州医科大学附属第一医院", "12330300KDF4FW7U3X"),
]
COMPANIES = [  # 企业: 代理机构, 成交供应商, 当事人
    "913302034WLNNJ90XY", "91330206RQUKWFCX6L", "91330212UNBBED2C5W", "91330000G8UDJXFG2U",
    "91330100GR0J7Q4T4J", "91330106QQJE70K233", "913301081YNGWM3NXR", "9133011039T3E0TW3C",
    "91330302W3LNEMFN3J", "91330303XFBX68NF9N", "91330304XYH8HCM91G", "91330381HRLGNFRW5Q",
    "91330382CD69T80126", "91330500XBRCPGL201",
]
REGIONS = [
    ("330200", "宁波市"), ("330203", "海曙区"), ("330205", "江北区"), ("330206", "北仑区"), ("330211", "镇海区"),
    ("330212", "鄞州区"), ("330213", "奉化区"), ("330225", "象山县"), ("330226", "宁海县"), ("330281", "余姚市"),
    ("330282", "慈溪市"),
]
BUYER_KINDS = ["教育局", "卫生健康局", "综合行政执法局", "住房和城乡建设局", "交通运输局", "农业农村局", "人民医院", "中医院",
               "第一中学", "实验小学", "市场监督管理局", "自然资源和规划局", "水利局", "文化广电旅游局"]
SUBJECTS = ["医用耗材集中配送服务", "智慧城管平台升级", "学校食堂食材配送服务", "办公设备采购", "物业管理服务", "道路保洁服务",
            "信息化运维服务", "教学仪器设备采购", "绿化养护服务", "污水管网检测服务", "监控系统改造", "车辆租赁服务",
            "图书馆藏书采购", "档案数字化加工服务", "食品安全抽检服务", "体检服务", "法律顾问服务", "课桌椅采购",
            "LED显示屏采购", "空调设备更新改造", "消防设施维保服务", "网络安全等级保护测评服务"]
COMPANY_WORDS = ["天成", "明州", "海曙", "甬江", "四明", "东钱湖", "三江", "港城", "镇海", "北仑", "慈城", "象山港", "天一", "月湖"]
COMPANY_TRADES = ["科技有限公司", "医药物流有限公司", "招标代理有限公司", "物业服务有限公司", "信息技术有限公司",
                  "建设工程有限公司", "环境服务有限公司", "教育装备有限公司", "餐饮管理有限公司"]
AGENCIES = ["宁波明州招标代理有限公司", "宁波甬江工程咨询有限公司", "浙江天一项目管理有限公司", "宁波三江招标有限公司"]
METHODS = ["公开招标", "竞争性磋商", "竞争性谈判", "询价", "单一来源"]
OTHER_TYPES = ["询价公告", "竞争性磋商公告", "终止公告", "采购合同", "履约验收公告", "资格预审公告"]
VIOLATIONS = [
    ("提供虚假材料谋取中标、成交", "《中华人民共和国政府采购法》第七十七条第一款第（一）项", "罚款;其他",
     "处采购金额千分之五的罚款，列入不良行为记录名单，一年内禁止参加政府采购活动"),
    ("与其他供应商恶意串通", "《中华人民共和国政府采购法》第七十七条第一款第（三）项", "罚款;没收违法所得",
     "处采购金额千分之五的罚款，没收违法所得，列入不良行为记录名单"),
    ("拒绝与采购人签订合同", "《中华人民共和国政府采购法实施条例》第七十二条第一款第（二）项", "警告;罚款",
     "警告，处采购金额千分之五的罚款"),
    ("未按照采购文件确定的事项签订政府采购合同", "《中华人民共和国政府采购法实施条例》第七十二条", "罚款",
     "处采购金额千分之八的罚款"),
]
PARTY_TYPES = ["法人", "法人", "法人", "非法人组织", "个体工商户"]
LEGAL_REPS = ["李某某", "王某", "张某某", "陈某", "刘某某", "周某", "吴某"]

# Shares per 1000 records (the rest are ordinary tender notices).
AWARD, PENALTY, OTHER, INVALID = 480, 120, 80, 25


def cn_date(d):
    return f"{d[0]}年{d[1]}月{d[2]}日"


# Days from 2024-01-01 on; publication dates stay within 2024-01-01 … 2025-10-22 and validity ends within
# 2026 (Mappings/calendars/cn.yaml covers 2019–2026).
_DAYS = [(d.year, d.month, d.day) for d in (datetime.date(2024, 1, 1) + datetime.timedelta(days=n) for n in range(1100))]


def ymd_from_ordinal(n):
    return _DAYS[n]


def money(rng, low, high):
    """A realistic amount between low and high 元, written in 元 or 万元, with separators sometimes."""
    yuan = rng.randrange(low, high)
    style = rng.randrange(5)
    if style == 0:
        return "万元", str(yuan // 10000 or 1)
    if style == 1:
        return "万元", f"{yuan / 10000:.2f}"
    if style == 2:
        return "元", f"{yuan:,}"
    if style == 3:
        return "元", f"{yuan:,}.00"
    return "元", f"{yuan}.{rng.randrange(100):02d}"


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.stats = {"records": 0, "awards": 0, "tenders": 0, "others": 0, "penalties": 0, "invalid": 0}

    def company(self):
        r = self.rng
        return f"宁波{r.choice(COMPANY_WORDS)}{r.choice(COMPANY_WORDS)}{r.choice(COMPANY_TRADES)}", r.choice(COMPANIES)

    def buyer(self, region_name):
        r = self.rng
        if r.randrange(5) == 0:
            return r.choice(AUTHORITIES)
        return f"宁波市{region_name}{r.choice(BUYER_KINDS)}", r.choice(AUTHORITIES)[1]

    def record(self, out, serial, id_prefix):
        r = self.rng
        self.stats["records"] += 1
        region, region_name = r.choice(REGIONS)
        published = r.randrange(0, 660)
        formed = published - r.randrange(0, 30)
        pub, form = ymd_from_ordinal(published), ymd_from_ordinal(max(formed, 0))
        project = f"NBCG-{pub[0]}-{serial:06d}"
        subject = r.choice(SUBJECTS)
        pname = f"{region_name}{subject}项目"
        buyer_name, buyer_code = self.buyer(region_name)
        roll = r.randrange(1000)
        invalid = None
        if roll < INVALID:
            invalid = r.randrange(4)
            self.stats["invalid"] += 1
            roll = AWARD + PENALTY + OTHER + r.randrange(100)  # an ordinary tender notice, spoilt below
        w = out.append
        if AWARD + PENALTY + OTHER <= roll or roll < AWARD:
            award = roll < AWARD
            kind = "成交结果公告" if award else "公开招标公告"
            if invalid == 3:
                kind = "招标预告公示"  # not in nb-gpp-notice-types
            self.stats["awards" if award else "tenders"] += 0 if invalid is not None else 1
            suffix = "JG" if award else "GK"
            w(f"  <公告>\n    <公告编号>{id_prefix}{project}-{suffix}</公告编号>\n    <公告类型>{kind}</公告类型>\n"
              f"    <行政区划>{region}</行政区划>\n    <项目编号>{project}</项目编号>\n    <项目名称>{pname}</项目名称>\n"
              f"    <公告标题>{pname}{kind}</公告标题>\n")
            formed_text = cn_date(form) if invalid != 1 else f"{form[0]}年{form[1] + 12}月{form[2]}日"
            w(f"    <形成日期>{formed_text}</形成日期>\n    <发布日期>{cn_date(pub)}</发布日期>\n")
            code = buyer_code if invalid != 0 else buyer_code[:17]
            w(f"    <采购人>\n      <名称>{buyer_name}</名称>\n      <统一社会信用代码>{code}</统一社会信用代码>\n    </采购人>\n")
            unit, budget = money(r, 50_000, 50_000_000)
            if award:
                w(f"    <代理机构>\n      <名称>{r.choice(AGENCIES)}</名称>\n      <统一社会信用代码>{r.choice(COMPANIES)}</统一社会信用代码>\n    </代理机构>\n")
                name, ccode = self.company()
                dunit, deal = money(r, 40_000, 45_000_000)
                w(f"    <成交供应商>\n      <名称>{name}</名称>\n      <统一社会信用代码>{ccode}</统一社会信用代码>\n"
                  f"      <成交金额 单位=\"{dunit}\">{deal}</成交金额>\n    </成交供应商>\n")
            if invalid == 2:
                budget = budget.replace("0", "O", 1) if "0" in budget else budget + "x"
            w(f"    <预算金额 单位=\"{unit}\">{budget}</预算金额>\n    <采购方式>{r.choice(METHODS)}</采购方式>\n")
            if award or r.randrange(3) == 0:
                doc = "成交结果公告" if award else "招标文件"
                w(f"    <附件 名称=\"{doc}.pdf\" 地址=\"https://zfcg.ningbo.example/gg/{id_prefix}{project}-{suffix}.pdf\"/>\n")
            w("  </公告>\n")
        elif roll < AWARD + PENALTY:
            self.stats["penalties"] += 1
            number = f"甬财采罚〔{pub[0]}〕{serial % 100000}号"
            authority, authority_code = AUTHORITIES[0] if r.randrange(3) else r.choice(AUTHORITIES)
            violation, basis, category, content = r.choice(VIOLATIONS)
            party, party_code = self.company()
            valid_until = ymd_from_ordinal(published + 364)
            w(f"  <公告>\n    <公告编号>{id_prefix}NBCG-{pub[0]}-CF-{serial:06d}</公告编号>\n    <公告类型>行政处罚</公告类型>\n"
              f"    <行政区划>{region}</行政区划>\n    <公告标题>{authority}行政处罚决定书（{number}）</公告标题>\n"
              f"    <形成日期>{cn_date(form)}</形成日期>\n    <发布日期>{cn_date(pub)}</发布日期>\n    <处罚信息>\n"
              f"      <决定书文号>{number}</决定书文号>\n      <当事人 类型=\"{r.choice(PARTY_TYPES)}\">\n"
              f"        <名称>{party}</名称>\n        <统一社会信用代码>{party_code}</统一社会信用代码>\n"
              f"        <法定代表人>{r.choice(LEGAL_REPS)}</法定代表人>\n      </当事人>\n"
              f"      <违法行为类型>{violation}</违法行为类型>\n"
              f"      <违法事实>该公司在“{pname}”（{project}）投标中{violation}。</违法事实>\n"
              f"      <处罚依据>{basis}</处罚依据>\n      <处罚类别>{category}</处罚类别>\n      <处罚内容>{content}</处罚内容>\n"
              f"      <罚款金额 单位=\"元\">{r.randrange(1000, 500000):,}.00</罚款金额>\n"
              f"      <处罚决定日期>{cn_date(form)}</处罚决定日期>\n      <处罚有效期>{cn_date(valid_until)}</处罚有效期>\n"
              f"      <处罚机关>\n        <名称>{authority}</名称>\n        <统一社会信用代码>{authority_code}</统一社会信用代码>\n"
              f"      </处罚机关>\n    </处罚信息>\n  </公告>\n")
        else:
            self.stats["others"] += 1
            kind = r.choice(OTHER_TYPES)
            w(f"  <公告>\n    <公告编号>{id_prefix}{project}-QT</公告编号>\n    <公告类型>{kind}</公告类型>\n"
              f"    <行政区划>{region}</行政区划>\n    <项目编号>{project}</项目编号>\n    <项目名称>{pname}</项目名称>\n"
              f"    <公告标题>{pname}{kind}</公告标题>\n    <形成日期>{cn_date(form)}</形成日期>\n"
              f"    <发布日期>{cn_date(pub)}</发布日期>\n    <采购人>\n      <名称>{buyer_name}</名称>\n"
              f"      <统一社会信用代码>{buyer_code}</统一社会信用代码>\n    </采购人>\n"
              f"    <采购方式>{r.choice(METHODS)}</采购方式>\n  </公告>\n")


def write_batch(path, gen, records, batch_number, first_serial, id_prefix):
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<采购信息批次 批次号="{batch_number}" 系统="nb-gpp" 生成时间="2025-11-20 17:45:03">\n')
        f.write(head)
        size += len(head.encode())
        buffer = []
        for i in range(records):
            gen.record(buffer, first_serial + i, id_prefix)
            if len(buffer) >= 4096:
                text = "".join(buffer)
                f.write(text)
                size += len(text.encode())
                buffer.clear()
        text = "".join(buffer) + "</采购信息批次>\n"
        f.write(text)
        size += len(text.encode())
    return size


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, required=True, help="公告 per batch")
    p.add_argument("--out", help="one batch to this file")
    p.add_argument("--out-dir", help="write --batches files batch-0001.xml … here")
    p.add_argument("--batches", type=int, default=1)
    p.add_argument("--batch-prefix", default="NBZC-BENCH", help="批次号 prefix")
    p.add_argument("--id-prefix", default="", help="prefix for 公告编号 (keeps ids apart between runs)")
    p.add_argument("--seed", type=int, default=20241120)
    p.add_argument("--summary", help="write the JSON summary here instead of stderr")
    a = p.parse_args()
    gen = Generator(a.seed)
    total = 0
    files = []
    if a.out:
        total += write_batch(a.out, gen, a.records, f"{a.batch_prefix}-0001", 1, a.id_prefix)
        files.append(a.out)
    elif a.out_dir:
        os.makedirs(a.out_dir, exist_ok=True)
        for b in range(1, a.batches + 1):
            path = os.path.join(a.out_dir, f"batch-{b:04d}.xml")
            total += write_batch(path, gen, a.records, f"{a.batch_prefix}-{b:04d}", (b - 1) * a.records + 1, a.id_prefix)
            files.append(path)
    else:
        p.error("give --out or --out-dir")
    summary = dict(gen.stats, bytes=total, files=len(files))
    text = json.dumps(summary, ensure_ascii=False)
    if a.summary:
        with open(a.summary, "w") as f:
            f.write(text + "\n")
    else:
        print(text, file=sys.stderr)


if __name__ == "__main__":
    main()
