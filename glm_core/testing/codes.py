"""Business error codes: HTTP status and real message, per provider family (providers.md §1.9, §2.5).

Z.ai messages are the English table of docs.z.ai/api-reference/api-code, except where a real
body was observed with other wording (1210, 1211, 1113, 1302, 1305); BigModel answers with the
Chinese table of docs.bigmodel.cn. Placeholders such as ${field} are filled with plausible values.
Statuses that were never observed are a choice (see facts.UNCERTAIN_CHOICES).
"""

from __future__ import annotations

__all__ = [
    "CF_CODES",
    "CF_DEFAULT_CODE_BY_STATUS",
    "ZAI_CODES_EN",
    "ZAI_CODES_ZH",
    "ZAI_DEFAULT_CODE_BY_STATUS",
    "zai_status",
]

# code -> HTTP status (shared by Z.ai, the coding plan and BigModel)
_ZAI_STATUS: dict[str, int] = {
    "500": 500,
    **dict.fromkeys(("1000", "1001", "1002", "1003", "1004"), 401),
    **dict.fromkeys(("1100", "1110", "1111", "1112", "1113", "1120", "1121"), 429),
    **dict.fromkeys(("1200", "1210", "1211", "1212", "1213", "1214", "1215", "1231", "1261"), 400),
    "1220": 403,
    "1221": 404,
    "1222": 404,
    "1230": 500,
    "1234": 500,
    "1300": 400,
    "1301": 400,
    **dict.fromkeys(("1302", "1303", "1304", "1305", "1308", "1309", "1310", "1311", "1312", "1313"), 429),
    # Usage caps documented with the "${next_flush_time}" wording (hermes-agent#103038); LiteLLM
    # maps 1313-1321 to 429.
    **dict.fromkeys(("1316", "1317", "1318", "1319", "1320", "1321"), 429),
}
# The wording of the caps added after 1310, which says when the limit resets: the docs' pattern,
# not an observed body (UNCERTAIN_CHOICES).
_CAP_EN = "Usage limit reached. Your limit will reset at {next_flush_time}"
_CAP_ZH = "已达到使用上限。您的限额将在 {next_flush_time} 重置"

ZAI_CODES_EN: dict[str, str] = {
    "500": "Internal Error",
    "1000": "Authentication Failed",
    "1001": "Authentication parameter not received in Header, unable to authenticate",
    "1002": "Invalid Authentication Token, please confirm the correct transmission of the Authentication Token",
    "1003": "Authentication Token expired, please regenerate/obtain",
    "1004": "Authentication failed with the provided Authentication Token",
    "1100": "Account Read/Write",
    "1110": "Your account is currently inactive. Please check your account information",
    "1111": "Your account does not exist",
    "1112": "Your account has been locked, please contact customer service to unlock",
    "1113": "Insufficient balance or no resource package. Please recharge.",
    "1120": "Unable to successfully access your account, please try again later",
    "1121": "Account has irregular activities and has been locked",
    "1200": "API Call Error",
    "1210": "Invalid API parameter, please check the documentation.",
    "1211": "Unknown Model, please check the model code.",
    "1212": "Current model does not support this call method",
    "1213": "{field} parameter not received properly",
    "1214": "The {field} parameter is illegal. Please check the documentation.",
    "1215": "{field} and another parameter cannot be set simultaneously, please check the documentation",
    "1220": "You do not have permission to access this API",
    "1221": "API has been taken offline",
    "1222": "API {field} does not exist",
    "1230": "API call process error",
    "1231": "You already have a request in progress",
    "1234": "Network error, error id: {field}, please contact customer service",
    "1261": "Prompt exceeds max length",
    "1300": "API call blocked by policy",
    "1301": "System detected potentially unsafe or sensitive content in input or generation. Please "
    "avoid using prompts that may generate sensitive content. Thank you for your cooperation.",
    "1302": "High concurrency usage of this API, please reduce concurrency or contact customer "
    "service to increase limits",
    "1303": "High frequency usage of this API, please reduce frequency or contact customer service to increase limits",
    "1304": "The daily call limit of this API has been reached. For more, please contact customer service to purchase",
    "1305": "The service may be temporarily overloaded, please try again later",
    # Observed (continuedev/continue#13195, hugalafutro/model-hotel#955); the time is Beijing time.
    "1308": "Usage limit reached for 5 hour. Your limit will reset at {next_flush_time}",
    "1309": "Your GLM Coding Plan package has expired and cannot be used for now",
    "1310": "Weekly/Monthly Limit Exhausted. Your limit will reset at {next_flush_time}",
    "1311": "Your current subscription plan does not include access to this model",
    "1312": "This model is currently experiencing high traffic, please try again later or switch "
    "to another model such as glm-4.7-flash",
    **dict.fromkeys(("1316", "1317", "1318", "1319", "1320", "1321"), _CAP_EN),
    "1313": "Your account's current usage pattern does not comply with the Fair Usage Policy; "
    "request frequency has been limited",
}

ZAI_CODES_ZH: dict[str, str] = {
    "500": "内部错误",
    "1000": "身份验证失败",
    "1001": "Header 中未收到 Authentication 参数,无法进行身份验证",
    "1002": "Authentication Token 非法,请确认 Authentication Token 正确传递",
    "1003": "Authentication Token 已过期,请重新生成/获取",
    "1004": "通过 Authentication Token 的验证失败",
    "1100": "账户读写",
    "1110": "您的账户当前处于非活动状态。请检查账户信息",
    "1111": "您的账户不存在",
    "1112": "您的账户已被锁定,请联系客服解锁",
    "1113": "您的账户已欠费,请充值后重试",
    "1120": "无法成功访问您的账户,请稍后重试",
    "1121": "账户存违规行为,账号已被锁定",
    "1200": "API 调用错误",
    "1210": "API 调用参数有误,请检查文档",
    "1211": "模型不存在,请检查模型代码",
    "1212": "当前模型不支持该调用方式",
    "1213": "未正常接收到 {field} 参数",
    "1214": "{field} 参数非法。请检查文档",
    "1215": "{field} 与其他参数不能同时设置,请检查文档",
    "1220": "您无权访问该 API",
    "1221": "该 API 已下线",
    "1222": "API {field} 不存在",
    "1230": "API 调用流程出错",
    "1231": "您已有请求在处理中",
    "1234": "网络错误,错误id:{field},请联系客服",
    "1261": "Prompt 超长",
    "1300": "API 调用被策略阻止",
    "1301": "系统检测到输入或生成内容可能包含不安全或敏感内容,请您避免输入易产生敏感内容的提示语,感谢您的配合",
    "1302": "您当前使用该 API 的并发数过高,请降低并发,或联系客服增加限额",
    "1303": "您当前使用该 API 的频率过高,请降低频率,或联系客服增加限额",
    "1304": "该 API 已达今日调用次数限额,如有更多需求,请联系客服购买",
    "1305": "该 API 已触发流量限制",
    "1308": "已达到 5 小时的使用上限。您的限额将在 {next_flush_time} 重置",
    "1309": "您的 GLM Coding Plan 套餐已到期,暂无法使用",
    "1310": "您已达到每周/每月使用上限,您的限额将在 {next_flush_time} 重置",
    "1311": "当前订阅套餐暂未开放该模型权限",
    "1312": "该模型当前访问量过大,请您稍后再试,或切换其他模型如 glm-4.7-flash 等",
    "1313": "您的账户当前使用模式不符合公平使用策略,请求频率已受到限制",
    **dict.fromkeys(("1316", "1317", "1318", "1319", "1320", "1321"), _CAP_ZH),
}

ZAI_DEFAULT_CODE_BY_STATUS: dict[int, str] = {
    400: "1210",
    401: "1002",
    403: "1220",
    404: "1222",
    405: "1212",
    429: "1302",
    500: "500",
    503: "1305",
}


def zai_status(code: str) -> int:
    """The HTTP status a Z.ai business code is sent with (500 for an unknown code)."""
    return _ZAI_STATUS.get(code, 500)


# Cloudflare Workers AI: code -> (HTTP status, message)
CF_CODES: dict[int, tuple[int, str]] = {
    5006: (400, "AiError: Bad input: Error: oneOf at '/' not met, 0 matches: {field}"),
    5007: (400, "No such model {field} or task"),
    5004: (400, "Invalid data type for base64 input: {field}"),
    3039: (400, "Finetune is missing required files (model.safetensors and config.json)"),
    3003: (400, "Request is missing headers or body: {field}"),
    5018: (403, "The account is not allowed to access this model"),
    5016: (403, "User has not agreed to Llama3.2 model terms"),
    3023: (403, "Service unavailable for account"),
    3041: (403, "The account is not allowed to access this model"),
    5019: (405, "Request trying to use deprecated SDK version"),
    5005: (405, "The model {field} does not support LoRa inference"),
    3042: (404, "The model name is invalid"),
    3006: (413, "Request is too large"),
    3007: (408, "Request timeout"),
    3008: (408, "Request was aborted"),
    3036: (
        429,
        "You have used up your daily free allocation of 10,000 neurons. Please upgrade to "
        "Cloudflare's Workers Paid plan if you would like to continue usage.",
    ),
    3040: (429, "No more data centers to forward the request to"),
    3043: (500, "Internal server error"),
    10000: (401, "Authentication error"),
    7003: (404, "Could not route to {field}, perhaps your object identifier is invalid?"),
    7000: (404, "No route for that URI"),
}

CF_DEFAULT_CODE_BY_STATUS: dict[int, int] = {
    400: 5006,
    401: 10000,
    403: 3023,
    404: 7000,
    405: 5019,
    408: 3007,
    413: 3006,
    429: 3040,
}
