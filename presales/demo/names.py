"""Vocabulary for the demo company: people, places, customers, projects and reasons, in Chinese and English."""

from __future__ import annotations

# Surname, pinyin. Common Chinese surnames in roughly their real frequency order.
SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"),
    ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("萧", "xiao"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
]  # fmt: skip
GIVEN_NAMES = [
    ("磊", "lei"), ("伟", "wei"), ("芳", "fang"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("鹏", "peng"), ("建华", "jianhua"),
    ("志强", "zhiqiang"), ("海燕", "haiyan"), ("晓东", "xiaodong"), ("文博", "wenbo"), ("思远", "siyuan"),
    ("雪梅", "xuemei"), ("宇航", "yuhang"), ("子涵", "zihan"), ("浩然", "haoran"), ("佳怡", "jiayi"), ("俊杰", "junjie"),
    ("欣怡", "xinyi"), ("国庆", "guoqing"), ("春燕", "chunyan"), ("立新", "lixin"), ("振华", "zhenhua"), ("婷", "ting"),
]  # fmt: skip
ENGLISH_FIRST = [
    "James", "Olivia", "Daniel", "Sophia", "Michael", "Emma", "David", "Grace", "Ryan", "Chloe", "Lucas", "Hannah",
    "Ethan", "Priya", "Arjun", "Mei Ling", "Wei Jie", "Nurul", "Ahmad", "Sarah", "Thomas", "Laura", "Kevin", "Rachel",
]  # fmt: skip
ENGLISH_LAST = [
    "Tan", "Lim", "Ng", "Wong", "Smith", "Brown", "Kumar", "Rahman", "Lee", "Taylor", "Müller", "Nguyen", "Santos",
    "Walker", "Chua", "Goh", "Ibrahim", "Patel", "Martin", "Clarke",
]  # fmt: skip

# Regions: (province/municipality name, short name, cities). Overseas rows are English.
PLACES = {
    "east": [
        ("江苏省", "江苏", ["南京", "苏州", "无锡", "常州", "南通", "徐州"]),
        ("浙江省", "浙江", ["杭州", "宁波", "温州", "绍兴", "嘉兴"]),
        ("上海市", "上海", ["上海"]),
        ("山东省", "山东", ["济南", "青岛", "烟台", "潍坊"]),
        ("安徽省", "安徽", ["合肥", "芜湖"]),
        ("福建省", "福建", ["福州", "厦门", "泉州"]),
    ],
    "north": [
        ("北京市", "北京", ["北京"]),
        ("天津市", "天津", ["天津"]),
        ("河北省", "河北", ["石家庄", "唐山", "保定"]),
        ("山西省", "山西", ["太原", "大同"]),
        ("内蒙古自治区", "内蒙古", ["呼和浩特", "包头"]),
    ],
    "south": [
        ("广东省", "广东", ["广州", "深圳", "东莞", "佛山", "珠海"]),
        ("广西壮族自治区", "广西", ["南宁", "柳州"]),
        ("海南省", "海南", ["海口", "三亚"]),
    ],
    "central": [
        ("湖北省", "湖北", ["武汉", "宜昌", "襄阳"]),
        ("湖南省", "湖南", ["长沙", "株洲"]),
        ("河南省", "河南", ["郑州", "洛阳"]),
        ("江西省", "江西", ["南昌", "赣州"]),
    ],
    "southwest": [
        ("四川省", "四川", ["成都", "绵阳"]),
        ("重庆市", "重庆", ["重庆"]),
        ("云南省", "云南", ["昆明"]),
        ("贵州省", "贵州", ["贵阳"]),
    ],
    "northwest": [
        ("陕西省", "陕西", ["西安", "宝鸡"]),
        ("甘肃省", "甘肃", ["兰州"]),
        ("新疆维吾尔自治区", "新疆", ["乌鲁木齐"]),
        ("宁夏回族自治区", "宁夏", ["银川"]),
    ],
    "northeast": [
        ("辽宁省", "辽宁", ["沈阳", "大连"]),
        ("吉林省", "吉林", ["长春"]),
        ("黑龙江省", "黑龙江", ["哈尔滨", "大庆"]),
    ],
    "overseas": [
        ("Singapore", "Singapore", ["Singapore"]),
        ("Malaysia", "Malaysia", ["Kuala Lumpur", "Penang"]),
        ("Indonesia", "Indonesia", ["Jakarta", "Surabaya"]),
        ("Thailand", "Thailand", ["Bangkok"]),
        ("United Arab Emirates", "UAE", ["Dubai", "Abu Dhabi"]),
    ],
}
REGION_WEIGHTS = {
    "east": 30, "north": 20, "south": 18, "central": 9, "southwest": 8, "northwest": 4, "northeast": 4, "overseas": 7,
}  # fmt: skip
REGION_ZH = {
    "east": "华东", "north": "华北", "south": "华南", "central": "华中", "southwest": "西南", "northwest": "西北",
    "northeast": "东北", "overseas": "国际",
}  # fmt: skip

# Customer names per industry: {prov} full province, {p} short province, {city} city. Chinese regions only.
ACCOUNT_TEMPLATES = {
    "government": [
        "{prov}财政厅", "{prov}公安厅", "{city}市大数据管理局", "{city}市政务服务中心", "{p}省税务局",
        "{city}市人力资源和社会保障局", "{city}市自然资源和规划局", "{prov}交通运输厅", "{city}市应急管理局",
    ],
    "finance": [
        "招商银行{city}分行", "中国工商银行{city}分行", "{city}农村商业银行", "中国平安{city}分公司",
        "中信证券{city}营业部", "兴业银行{city}分行", "中国人寿{p}分公司", "{p}农村信用社联合社", "浦发银行{city}分行",
    ],
    "manufacturing": [
        "{city}汽车制造有限公司", "{p}重工集团", "{city}精密机械股份有限公司", "{city}电子科技有限公司",
        "{p}钢铁集团", "{city}家电集团", "{city}新材料股份有限公司",
    ],
    "education": [
        "{city}大学", "{p}师范大学", "{city}市教育局", "{city}职业技术学院", "{p}理工大学", "{city}外国语学校",
    ],
    "healthcare": [
        "{city}市第一人民医院", "{p}省人民医院", "{city}市卫生健康委员会", "{city}市中医院", "{p}医科大学附属医院",
        "{city}市疾病预防控制中心",
    ],
    "energy": [
        "国网{p}电力公司", "{region}电力设计院", "{p}能源集团", "中石化{city}分公司", "{p}燃气集团", "{city}供电局",
    ],
    "telecom": ["中国移动{p}分公司", "中国电信{city}分公司", "中国联通{p}分公司", "{p}广电网络公司"],
    "transport": ["{city}地铁集团", "{city}港务集团", "{p}高速公路管理局", "{city}国际机场", "{city}公交集团"],
    "retail": ["{city}百货集团", "{p}医药连锁有限公司", "{city}商业集团"],
    "internet": ["{city}云网科技有限公司", "{city}数字科技有限公司"],
}  # fmt: skip
OVERSEAS_ACCOUNTS = [
    ("Land Transport Authority", "transport"), ("Maybank {city}", "finance"), ("DBS Bank {city}", "finance"),
    ("Dubai Electricity and Water Authority", "energy"), ("Bangkok General Hospital", "healthcare"),
    ("PT Telkom Indonesia", "telecom"), ("National University of Singapore", "education"),
    ("{city} City Council", "government"), ("Petronas Digital", "energy"), ("{city} Port Authority", "transport"),
    ("Axiata Group", "telecom"), ("Siam Cement Group", "manufacturing"), ("{city} Medical Centre", "healthcare"),
    ("Ministry of Finance ({country})", "government"), ("Emirates Global Aluminium", "manufacturing"),
]  # fmt: skip
# Sub-units used when a large company needs more distinct customers than there are templates.
ACCOUNT_UNITS = ["信息中心", "数据中心", "科技部", "运维中心", "网络安全处", "采购中心"]
ACCOUNT_UNITS_EN = ["IT Department", "Data Centre", "Digital Office", "Procurement Office"]
SOURCES = ["老客户复购", "渠道推荐", "招标公告", "市场活动", "官网咨询", "高层拜访", "合作伙伴"]
SOURCES_EN = ["Existing customer", "Partner referral", "Tender notice", "Event", "Website", "Executive visit"]

# Stakeholders: level -> (title, department) choices.
CONTACT_TITLES = {
    "executive": [("总经理", "总经办"), ("首席信息官", "信息中心"), ("分管副总", "总经办"), ("副总经理", "总经办")],
    "manager": [
        ("信息中心主任", "信息中心"), ("科技部总经理", "科技部"), ("IT部经理", "IT部"), ("采购部经理", "采购部"),
        ("财务处处长", "财务处"), ("网络安全处处长", "网络安全处"), ("数据中心主任", "数据中心"),
    ],
    "staff": [
        ("网络工程师", "信息中心"), ("系统管理员", "信息中心"), ("采购专员", "采购部"), ("安全主管", "网络安全处"),
        ("数据库管理员", "数据中心"), ("业务骨干", "业务处"), ("项目经理", "信息中心"),
    ],
}  # fmt: skip
# The person at the top of the account, by industry (others: CONTACT_TITLES["executive"]).
EXECUTIVE_TITLES = {
    "government": [("局长", "局领导"), ("副局长", "局领导"), ("副厅长", "厅领导")],
    "finance": [("行长", "行领导"), ("副行长", "行领导"), ("首席信息官", "信息科技部")],
    "healthcare": [("院长", "院办"), ("副院长", "院办")],
    "education": [("校长", "校办"), ("副校长", "校办"), ("网络中心主任", "网络中心")],
}
CONTACT_TITLES_EN = {
    "executive": [("Chief Information Officer", "Executive Office"), ("Managing Director", "Executive Office")],
    "manager": [("Head of IT", "IT"), ("Procurement Manager", "Procurement"), ("Head of Security", "Security")],
    "staff": [("Network Engineer", "IT"), ("System Administrator", "IT"), ("Procurement Officer", "Procurement")],
}  # fmt: skip

# Shared competitor profiles: name, threat level, strengths, weaknesses, website.
COMPETITORS = [
    ("华为", "high", "全栈产品线,价格灵活,政企关系深厚", "部分行业客户有供应链顾虑", "https://www.huawei.com"),
    ("新华三", "high", "网络与服务器份额高,渠道覆盖广", "软件与云服务深度一般", "https://www.h3c.com"),
    ("深信服", "medium", "安全与超融合性价比高,售前响应快", "大型项目交付经验有限", "https://www.sangfor.com.cn"),
    ("浪潮", "medium", "服务器价格优势,政府行业关系好", "网络与安全产品较弱", "https://www.inspur.com"),
    ("中兴通讯", "medium", "运营商行业积累深", "企业市场渠道较少", "https://www.zte.com.cn"),
    ("奇安信", "medium", "安全产品线完整,政府背景", "方案价格偏高", "https://www.qianxin.com"),
    ("阿里云", "high", "公有云生态完善,互联网客户多", "私有化部署项目经验少", "https://www.aliyun.com"),
    ("Cisco", "medium", "Global brand, mature networking portfolio", "High price, weaker local support", "https://www.cisco.com"),
    ("Dell", "low", "Broad server and storage range", "Limited solution selling", "https://www.dell.com"),
    ("IBM", "low", "Strong consulting, mainframe install base", "Expensive, shrinking hardware presence", "https://www.ibm.com"),
    ("Oracle", "medium", "Database and ERP lock-in", "Licensing complexity, localisation pressure", "https://www.oracle.com"),
    ("VMware", "low", "Virtualisation standard in many data centres", "Licensing changes upset customers", "https://www.vmware.com"),
]  # fmt: skip

# The competitors' names in the other language and their aliases: searching either finds them ("Huawei" finds 华为).
COMPETITOR_OTHER_NAMES = {
    "华为": ("Huawei", "华为技术, Huawei Technologies, HW"),
    "新华三": ("H3C", "New H3C, 紫光新华三"),
    "深信服": ("Sangfor", "Sangfor Technologies"),
    "浪潮": ("Inspur", "浪潮信息, Inspur Information"),
    "中兴通讯": ("ZTE", "中兴"),
    "奇安信": ("Qi An Xin", "QAX, Qianxin"),
    "阿里云": ("Alibaba Cloud", "Aliyun, 阿里巴巴云"),
    "Cisco": ("思科", "Cisco Systems"),
    "Dell": ("戴尔", "Dell Technologies, 戴尔科技"),
    "IBM": ("国际商业机器", "International Business Machines"),
    "Oracle": ("甲骨文", ""),
    "VMware": ("威睿", "Broadcom VMware"),
}

# Skills: Chinese name, English name.
SKILLS = [
    ("网络", "Networking"), ("数据库", "Databases"), ("云计算", "Cloud computing"), ("信息安全", "Information security"),
    ("大数据", "Big data"), ("存储", "Storage"), ("虚拟化", "Virtualisation"), ("人工智能", "Artificial intelligence"),
    ("政务行业", "Government sector"), ("金融行业", "Financial services"), ("制造行业", "Manufacturing sector"),
    ("医疗行业", "Healthcare sector"), ("教育行业", "Education sector"), ("能源行业", "Energy sector"),
]  # fmt: skip

# Projects: Chinese, English.
PROJECTS = [
    ("数据中心网络升级", "Data centre network upgrade"), ("核心业务系统灾备建设", "Disaster recovery for core systems"),
    ("私有云平台扩容", "Private cloud expansion"), ("零信任安全改造", "Zero-trust security"),
    ("大数据平台建设", "Big data platform"), ("视频会议系统", "Video conferencing"), ("桌面云项目", "Virtual desktops"),
    ("等保2.0整改", "Security compliance upgrade"), ("数据库国产化替换", "Database migration"),
    ("超融合基础设施", "Hyperconverged infrastructure"), ("存储扩容", "Storage expansion"),
    ("园区无线网络覆盖", "Campus Wi-Fi"), ("安全运营中心建设", "Security operations centre"),
    ("智能运维平台", "AIOps platform"), ("边缘计算节点", "Edge computing nodes"), ("备份一体机", "Backup appliances"),
    ("数据治理平台", "Data governance platform"), ("信创终端替换", "Endpoint replacement"),
]  # fmt: skip
INDUSTRY_PROJECTS = {
    "government": [("一网通办平台", "One-stop e-government portal"), ("政务云二期", "Government cloud phase 2")],
    "finance": [("分布式核心系统", "Distributed core banking"), ("网点网络改造", "Branch network refresh")],
    "manufacturing": [("智能工厂工业网络", "Smart factory network"), ("MES系统上云", "MES to the cloud")],
    "education": [("智慧校园", "Smart campus"), ("科研计算平台", "Research computing platform")],
    "healthcare": [("HIS系统上云", "Hospital information system to the cloud"), ("影像存储PACS扩容", "PACS storage expansion")],
    "energy": [("调度数据网改造", "Dispatch data network"), ("新能源场站监控", "Renewables site monitoring")],
    "telecom": [("5G核心网配套", "5G core supporting systems"), ("IDC机房扩建", "IDC expansion")],
    "transport": [("线网指挥中心", "Network control centre"), ("智慧港口", "Smart port")],
}  # fmt: skip
PHASES = ["", "", "", "一期", "二期", "三期"]

WON_REASONS = [
    "方案通过POC验证,性能指标领先", "价格有竞争力,服务承诺获得客户认可", "与信息中心主任关系稳固,技术评分第一",
    "行业案例丰富,客户高层支持", "本地化服务团队响应快,交付风险低",
]  # fmt: skip
LOST_REASONS = [
    "报价高于华为约15%", "客户选择了本地化服务更强的厂商", "技术评分落后,缺少国产化认证", "竞争对手提前介入,参与了需求编写",
    "POC测试未达到客户性能要求", "决策人更换,新领导倾向原有供应商",
]  # fmt: skip
ABANDONED_REASONS = ["客户预算取消", "项目合并到集团统一采购", "客户需求推迟到明年", "资质要求不满足,主动放弃"]
WON_REASONS_EN = ["Won the POC on performance", "Best total cost and local support", "Executive sponsor backed us"]
LOST_REASONS_EN = ["Price 15% above the winner", "Competitor wrote the requirements", "Failed a POC criterion"]
ABANDONED_REASONS_EN = ["Customer cancelled the budget", "Merged into a group-wide tender", "Postponed to next year"]
COMPETITOR_NOTES = ["客户关系较好", "报价激进", "已完成POC", "参与了需求编写", "技术方案相近", "本地服务团队强"]
