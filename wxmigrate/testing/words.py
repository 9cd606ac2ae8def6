"""The vocabulary generated posts are written in: short words of community news.

Every entry is plain text that no Markdown engine reads as markup (no ``*``,
``_`` next to punctuation, brackets, backticks, ``#``, ``<`` or ``&``), and
that YAML reads back as the same string.  The first entry of each tuple is
the one Hypothesis shrinks towards, so it is the shortest and plainest.
"""

from __future__ import annotations

#: Places a community story happens in.
PLACES = (
    "社区", "梧桐社区", "青石街道", "南湖公园", "滨河绿道", "城东菜市场", "实验小学",
    "老年活动中心", "卫生服务站", "示范田", "图书角", "文化广场",
)
#: Who takes part.
PEOPLE = ("居民", "志愿者", "农户", "老人", "孩子", "家长", "网格员", "医生", "老师", "党员", "工作人员")
#: What they do.
VERBS = ("开展", "组织", "走进", "帮助", "参加", "完成", "发放", "清理", "整理", "讲解", "检查", "修好", "举办")
#: What they do it to.
OBJECTS = (
    "活动", "义诊", "植树活动", "读书会", "防汛演练", "消防检查", "反诈讲座", "便民服务",
    "垃圾分类宣传", "健康档案", "绿化带", "播种", "地膜", "水泵",
)
#: When.
TIMES = ("当天", "上午", "下午", "周末", "三月初", "清明前后", "今年以来", "活动期间")
#: Latin words and mixed tokens that turn up in Chinese articles.
LATIN = ("App", "WiFi", "PM2.5", "GPS", "5G", "QQ", "LED", "AI", "Logo")
#: Units that follow a figure (``12户``, ``40亩``).
UNITS = ("户", "亩", "袋", "卷", "台", "名", "本", "册", "次", "棵", "公里", "小时")
#: Bold lead-ins that open a paragraph (``**一是**，…``); each at most ten characters.
LEADS = ("一是", "二是", "三是", "首先", "其次", "另外", "据介绍", "记者了解到", "截至目前")
#: Terms written in quotation marks, often in bold (``“**快查快打**”``).
TERMS = ("快查快打", "早一天下种", "一老一小", "家门口", "零距离", "随手拍", "光盘行动", "节水达人")
#: Endings of a sentence: the generated article never leaves one open.
SENTENCE_ENDS = ("。", "！", "？")
#: Ways a clause continues.
CLAUSE_JOINS = ("，", "、", "；")
#: Public accounts (their names are also the bold name of a card).
ACCOUNTS = ("梧桐社区服务站", "南湖环保志愿队", "青禾农技", "城东街道", "滨河读书会", "山野观鸟", "社区健康驿站")
#: What an account says about itself on its card.
INTROS = (
    "发布活动通知和办事指南。",
    "分享种植技术，解答农户疑问。",
    "记录南湖的四季，欢迎市民加入。",
    "为居民提供家门口的便民服务。",
)
#: Names of editors and authors (two or three characters).
NAMES = ("林木", "叶青", "白露", "秋实", "何田", "苏禾", "秦岭", "夏至", "周舟", "江月", "陈一凡")
#: Editorial roles the parser knows.
ROLES = ("编辑", "审核", "责编", "校对", "排版", "初审", "终审", "摄影")
#: Words of an account's closing words in its footer.
THANKS = ("感谢您的阅读！", "欢迎转发给身边的朋友。", "期待您的参与！")
#: What a picture's caption says (after ``▲``).
CAPTIONS = ("活动现场", "志愿者在示范田里铺设地膜", "居民排队登记", "孩子们在图书角看书", "工作人员讲解政策")
