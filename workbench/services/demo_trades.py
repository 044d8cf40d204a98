"""What demo businesses do: GB/T 4754-2017 classes with the shop-name endings staff see for them.

Weights are shares within a kind (households lean to retail 52, catering 62 and resident services 80;
enterprises to Wenzhou's trade and light industry; cooperatives to fruit, vegetables and tea).
Every code here is a real 4-digit class; tests/test_demo.py checks them against the shipped table.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.labels import BusinessKind

FOOD = "食品经营许可证"
DRUG = "药品经营许可证"
LODGING = "特种行业许可证"


@dataclass(frozen=True)
class Trade:
    code: str
    weight: float
    endings: tuple[str, ...]
    license: str | None = None
    license_share: float = 0.0
    food_kind: str = "1"  # 食品经营许可证 JY 后第一位: 1 食品销售, 2 餐饮服务


def _food(code: str, weight: float, endings: tuple[str, ...], kind: str = "1", share: float = 0.92) -> Trade:
    return Trade(code, weight, endings, FOOD, share, kind)


HOUSEHOLD_TRADES: tuple[Trade, ...] = (
    # 52 零售
    _food("5212", 3.0, ("超市", "便民超市", "生活超市")),
    _food("5213", 4.0, ("便利店", "便利超市")),
    _food("5211", 1.0, ("百货店", "百货商店")),
    _food("5221", 1.5, ("粮油店", "米行")),
    _food("5222", 1.5, ("面包店", "蛋糕店", "糕点店")),
    _food("5223", 4.5, ("水果店", "果蔬店", "蔬菜店", "水果行")),
    _food("5224", 3.5, ("鲜肉店", "水产店", "海鲜店", "禽蛋店")),
    _food("5226", 2.0, ("茶叶店", "烟酒店", "酒行")),
    _food("5229", 2.0, ("食品店", "副食品店", "炒货店")),
    Trade("5232", 4.5, ("服装店", "服饰店", "童装店", "女装店")),
    Trade("5233", 2.0, ("鞋店", "鞋业商行")),
    Trade("5234", 1.2, ("化妆品店", "美妆店")),
    Trade("5235", 1.5, ("日用品店", "杂货店")),
    Trade("5236", 0.8, ("眼镜店", "眼镜行")),
    Trade("5241", 0.8, ("文具店", "文具用品店")),
    Trade("5245", 0.6, ("珠宝店", "银楼")),
    Trade("5238", 1.0, ("电动车行", "电动车店")),
    Trade("5272", 1.0, ("电器商行", "家电店")),
    Trade("5274", 1.5, ("手机店", "通讯店")),
    Trade("5281", 2.5, ("五金店", "五金商行", "五金建材店")),
    Trade("5283", 0.8, ("家具店", "家具行")),
    Trade("5289", 0.8, ("建材店", "装饰材料店")),
    Trade("5251", 1.2, ("大药房", "药店"), DRUG, 0.95),
    Trade("5292", 2.0, ("电子商务商行", "网店")),
    Trade("5297", 0.5, ("宠物用品店",)),
    Trade("5299", 2.0, ("商行", "商店", "经营部")),
    # 62 餐饮
    _food("6210", 3.5, ("饭店", "菜馆", "酒家", "土菜馆", "海鲜楼"), "2"),
    _food("6220", 5.5, ("面馆", "快餐店", "饺子馆", "粉面馆"), "2"),
    _food("6291", 5.5, ("小吃店", "馄饨店", "糯米饭店", "麻辣烫店", "灯盏糕店", "鱼丸店"), "2"),
    _food("6231", 1.0, ("茶馆", "茶楼"), "2"),
    _food("6232", 0.7, ("咖啡馆", "咖啡店"), "2"),
    _food("6239", 2.0, ("奶茶店", "饮品店", "冷饮店"), "2"),
    # 80 居民服务
    Trade("8040", 6.5, ("理发店", "美发店", "美容院", "美甲店", "发型工作室")),
    Trade("8030", 1.2, ("干洗店", "洗衣店")),
    Trade("8052", 1.2, ("足浴店", "足道馆")),
    Trade("8053", 1.5, ("养生馆", "推拿馆")),
    Trade("8060", 0.8, ("照相馆", "摄影工作室")),
    Trade("8010", 0.8, ("家政服务部",)),
    Trade("8090", 0.8, ("开锁店", "服务部")),
    # 81 修理 and the rest
    Trade("8111", 1.5, ("汽车修理店", "汽车美容店", "汽修厂")),
    Trade("8114", 1.0, ("电动车修理店",)),
    Trade("8122", 0.8, ("手机维修店",)),
    Trade("8131", 0.5, ("家电维修部",)),
    Trade("8192", 0.4, ("修鞋店", "皮具护理店")),
    Trade("8223", 0.5, ("宠物美容店", "宠物店")),
    Trade("7293", 0.8, ("图文店", "打印店")),
    Trade("6129", 0.8, ("旅馆", "宾馆", "招待所"), LODGING, 0.9),
    Trade("6130", 0.3, ("民宿",), LODGING, 0.6),
    Trade("5431", 1.0, ("货运部", "物流部")),
    Trade("5123", 1.0, ("果蔬批发部",), FOOD, 0.8),
    Trade("5133", 1.0, ("鞋业批发部", "鞋材商行")),
    Trade("1952", 1.0, ("鞋厂", "鞋业加工厂")),
    Trade("3484", 0.8, ("机械加工厂", "五金加工厂")),
    Trade("1819", 0.5, ("服装加工厂", "制衣厂")),
)

# Endings here are the business words of 温州{字号}{words}有限公司.
ENTERPRISE_TRADES: tuple[Trade, ...] = (
    Trade("5199", 9.0, ("贸易", "商贸")),
    Trade("5132", 3.0, ("服饰贸易", "服装")),
    Trade("5133", 3.0, ("鞋业贸易", "鞋材")),
    Trade("5174", 2.5, ("五金贸易", "五金")),
    Trade("5175", 2.0, ("电气贸易",)),
    Trade("1952", 6.0, ("鞋业", "鞋业科技")),
    Trade("1819", 3.0, ("服饰", "制衣")),
    Trade("3823", 4.0, ("电气", "电器")),
    Trade("3443", 3.0, ("阀门", "流体设备")),
    Trade("3587", 2.0, ("眼镜", "光学")),
    Trade("2929", 2.0, ("塑料制品", "塑业")),
    Trade("2231", 1.5, ("包装", "纸制品")),
    Trade("2319", 1.5, ("印刷", "印业")),
    Trade("3499", 2.0, ("机械", "机械设备")),
    Trade("6513", 5.0, ("网络科技", "信息技术", "软件")),
    Trade("7519", 5.0, ("科技", "新材料科技")),
    Trade("6210", 4.0, ("餐饮管理", "餐饮"), FOOD, 0.8, "2"),
    Trade("5212", 1.5, ("超市", "商业连锁"), FOOD, 0.9),
    Trade("5129", 2.0, ("食品", "农产品"), FOOD, 0.9),
    Trade("5251", 1.0, ("医药连锁", "大药房"), DRUG, 0.95),
    Trade("5012", 5.0, ("建筑装饰工程", "装饰设计")),
    Trade("7020", 2.0, ("物业管理", "物业服务")),
    Trade("7259", 3.0, ("文化传媒", "广告")),
    Trade("7243", 3.0, ("企业管理咨询", "商务信息咨询")),
    Trade("8111", 2.0, ("汽车服务", "汽车维修")),
    Trade("5437", 2.0, ("物流", "供应链")),
    Trade("7269", 1.5, ("人力资源", "劳务服务")),
    Trade("8040", 1.5, ("美容", "美业")),
    Trade("6110", 0.5, ("酒店管理", "大酒店"), LODGING, 0.9),
    Trade("7010", 0.5, ("房地产开发", "置业")),
)

COOPERATIVE_TRADES: tuple[Trade, ...] = (
    Trade("0141", 4.0, ("果蔬", "蔬菜")),
    Trade("0153", 3.0, ("瓯柑", "柑橘")),
    Trade("0159", 3.0, ("杨梅", "水果", "葡萄")),
    Trade("0164", 2.0, ("茶叶", "早茶")),
    Trade("0143", 1.5, ("花卉", "花木")),
    Trade("0412", 1.0, ("水产养殖",)),
    Trade("0512", 1.0, ("农机",)),
    Trade("0171", 0.5, ("中药材",)),
)

TRADES_BY_KIND: dict[str, tuple[Trade, ...]] = {
    BusinessKind.HOUSEHOLD: HOUSEHOLD_TRADES,
    BusinessKind.ENTERPRISE: ENTERPRISE_TRADES,
    BusinessKind.COOPERATIVE: COOPERATIVE_TRADES,
}
