<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddUserDialog</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="+83" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Branch code</source>
        <translation>网点代码</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Branch managers see and approve only their own branch's lists. The new user should change the password after the first sign-in.</source>
        <translation>网点经理只能查看和审批本网点的名单。新用户首次登录后应修改密码。</translation>
    </message>
    <message>
        <location line="+12" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../app/ui/pages/audit_model.py" line="+67" />
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1" />
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Objects</source>
        <translation>对象</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../app/ui/pages/audit.py" line="+84" />
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Every sign-in, change and job is a link in a hash chain: editing, deleting or reordering an entry breaks it. Parameters are stored only as digests.</source>
        <translation>每次登录、变更和任务都是哈希链中的一环：修改、删除或调换任何一条记录都会使链条断裂。参数仅以摘要形式保存。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Filter by user, action or object</source>
        <translation>按用户、操作或对象筛选</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Verify chain</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+15" />
        <source>%1 entries</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Verification cancelled; the chain was not checked to the end, so there is no result.</source>
        <translation>校验已取消：审计链未检查完毕，因此没有结论。</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Audit chain intact: all %1 entries verified. Head %2…</source>
        <translation>审计链完整：%1 条记录全部校验通过。链头 %2…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Audit chain broken at entry %1: %2.</source>
        <translation>审计链在第 %1 条记录处断裂：%2。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Export audit chain</source>
        <translation>导出审计链</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Audit export (*.jsonl)</source>
        <translation>审计导出文件 (*.jsonl)</translation>
    </message>
    <message>
        <location line="+9" />
        <source>The file could not be written.</source>
        <translation>无法写入该文件。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Audit chain exported to %1. Auditors check it with: lianmo audit verify FILE</source>
        <translation>审计链已导出到 %1。审计人员可用以下命令校验：lianmo audit verify 文件名</translation>
    </message>
</context>
<context>
    <name>CreatePage</name>
    <message>
        <location filename="../../app/ui/startup/create_page.py" line="+65" />
        <source>Create a workspace</source>
        <translation>创建工作区</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Each party creates its own workspace. You become its first administrator and can add analysts and branch managers.</source>
        <translation>每个参与方各自创建工作区。您将成为首位管理员，并可添加分析师和网点经理。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>New folder</source>
        <translation>新文件夹</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Party name</source>
        <translation>参与方名称</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This party is the</source>
        <translation>本方角色</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Workspace key</source>
        <translation>工作区密钥</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repeat passphrase</source>
        <translation>确认口令</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>e.g. the bank's branch or the platform</source>
        <translation>例如：银行分行或互联网平台</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Keep a random key in this computer's keyring (recommended)</source>
        <translation>在本机系统密钥环中保存随机密钥（推荐）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Protect with a passphrase</source>
        <translation>使用口令保护</translation>
    </message>
    <message>
        <location line="+9" />
        <source>No keyring is available on this computer, so the workspace needs a passphrase.</source>
        <translation>本机没有可用的系统密钥环，因此工作区需要口令。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Without the passphrase nobody, including you, can open the workspace again.</source>
        <translation>没有口令，任何人（包括您本人）都无法再打开此工作区。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Only this computer's account can open the workspace. Removing the key destroys the data.</source>
        <translation>只有本机的当前账户能打开此工作区。删除密钥即销毁数据。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Create workspace</source>
        <translation>创建工作区</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Choose an empty folder</source>
        <translation>选择一个空文件夹</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="-63" />
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../app/ui/errors.py" line="+20" />
        <source>Something went wrong; the details are in the log.</source>
        <translation>出现意外错误，详情已写入日志。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This account is disabled; ask an administrator.</source>
        <translation>此账户已停用，请联系管理员。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This account is locked after too many failed sign-ins; ask an administrator to reset its password.</source>
        <translation>登录失败次数过多，此账户已锁定，请联系管理员重置密码。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The workspace cannot be opened: the key is wrong or missing, or the file is not a Lianmo workspace.</source>
        <translation>无法打开工作区：密钥错误或缺失，或该文件不是联模工作区。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No key for this workspace: give its passphrase or unlock the keyring.</source>
        <translation>缺少此工作区的密钥：请输入口令或解锁系统密钥环。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The key for this workspace is not in this machine's keyring. Use its passphrase if it has one; otherwise the workspace cannot be opened.</source>
        <translation>本机密钥环中没有此工作区的密钥。如果它设有口令，请输入口令；否则无法打开此工作区。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The OS keyring could not be read; unlock it and try again.</source>
        <translation>无法读取系统密钥环，请解锁后重试。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The keyring entry for this workspace is damaged.</source>
        <translation>此工作区在密钥环中的条目已损坏。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The workspace file was renamed or replaced; refusing to open it.</source>
        <translation>工作区文件已被重命名或替换，拒绝打开。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The workspace is closed.</source>
        <translation>工作区已关闭。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The party name must not be empty.</source>
        <translation>参与方名称不能为空。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消，未做任何更改。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>You cannot disable your own account.</source>
        <translation>不能停用自己的账户。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>At least one active administrator must remain.</source>
        <translation>必须至少保留一名启用状态的管理员。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Passwords need at least 8 characters.</source>
        <translation>密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>User names are 1-64 letters, digits, '.', '-', '_' or '@'.</source>
        <translation>用户名为 1-64 个字母、数字或 '.'、'-'、'_'、'@'。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A branch manager needs a branch code (letters, digits, '-', '_').</source>
        <translation>网点经理需要填写网点代码（字母、数字、'-'、'_'）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Only branch managers are bound to a branch.</source>
        <translation>只有网点经理才绑定网点。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a workspace folder first.</source>
        <translation>请先选择工作区文件夹。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a folder for the new workspace first.</source>
        <translation>请先为新工作区选择文件夹。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open a workspace first.</source>
        <translation>请先打开工作区。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Passphrases need at least 12 characters.</source>
        <translation>口令至少需要 12 个字符。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>it does not follow the previous entry</source>
        <translation>它与上一条记录不衔接</translation>
    </message>
    <message>
        <location line="+1" />
        <source>its content was changed</source>
        <translation>其内容已被修改</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../app/ui/labels.py" line="+8" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Analyst</source>
        <translation>分析师</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Branch manager</source>
        <translation>网点经理</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Label party (holds the outcomes, e.g. the bank)</source>
        <translation>标签方（持有结果数据，如银行）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Feature party (adds features, e.g. the platform)</source>
        <translation>特征方（提供特征数据，如互联网平台）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>label party</source>
        <translation>标签方</translation>
    </message>
    <message>
        <location line="+1" />
        <source>feature party</source>
        <translation>特征方</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../app/ui/startup/login_page.py" line="+28" />
        <location line="+7" />
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="-6" />
        <source>Every sign-in is recorded in the workspace's audit chain.</source>
        <translation>每次登录都会记入工作区的审计链。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/window.py" line="+62" />
        <source>&amp;Workspace</source>
        <translation>工作区(&amp;W)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Close workspace</source>
        <translation>关闭工作区</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+57" />
        <source>About Lianmo</source>
        <translation>关于联模</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Lianmo %1: joint marketing models between a bank and a platform, without raw customer data leaving its owner.</source>
        <translation>联模 %1：银行与互联网平台联合构建营销模型，客户原始数据不出域。</translation>
    </message>
</context>
<context>
    <name>OpenPage</name>
    <message>
        <location filename="../../app/ui/startup/open_page.py" line="+50" />
        <source>Open a workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A workspace is one encrypted folder holding this party's data, models and audit chain.</source>
        <translation>工作区是一个加密文件夹，保存本方的数据、模型和审计链。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Recent workspaces</source>
        <translation>最近使用的工作区</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Create a new workspace…</source>
        <translation>创建新工作区…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+31" />
        <source>Choose the workspace folder</source>
        <translation>选择工作区文件夹</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="+75" />
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Set a new password for %1. Give it to them in person; failed sign-in counts are cleared.</source>
        <translation>为 %1 设置新密码，请当面告知本人；登录失败计数将被清零。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <location filename="../../app/ui/shell.py" line="+85" />
        <source>not available in this version</source>
        <translation>本版本暂不提供</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+1" />
        <source>None of the steps open to your role is available in this version yet.</source>
        <translation>本版本暂未提供您的角色可用的功能步骤。</translation>
    </message>
</context>
<context>
    <name>StartupView</name>
    <message>
        <location filename="../../app/ui/startup/view.py" line="+68" />
        <source>Joint marketing models without raw data leaving its owner</source>
        <translation>联合建模营销，原始数据不出域</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Back</source>
        <translation>上一步</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <location filename="../../app/ui/pages/__init__.py" line="+39" />
        <source>Consent &amp; data</source>
        <translation>授权与数据</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Peers</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Alignment</source>
        <translation>样本对齐</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training</source>
        <translation>模型训练</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Segments</source>
        <translation>目标客群</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Users</source>
        <translation>用户</translation>
    </message>
</context>
<context>
    <name>TaskProgress</name>
    <message>
        <location filename="../../app/ui/progress.py" line="+14" />
        <source>estimating time left…</source>
        <translation>正在估算剩余时间…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <location line="+4" />
        <source>about %1 min %2 s left</source>
        <translation>约剩 %1 分 %2 秒</translation>
    </message>
    <message>
        <location line="+3" />
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../app/ui/pages/users.py" line="+59" />
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Administrators, analysts and branch managers of this workspace. Every change is recorded in the audit chain.</source>
        <translation>本工作区的管理员、分析师和网点经理。每项变更都会记入审计链。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location line="+12" />
        <source>User %1 was added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>User %1 can sign in again.</source>
        <translation>用户 %1 已可重新登录。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>User %1 is disabled and can no longer sign in.</source>
        <translation>用户 %1 已停用，无法再登录。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>The password of %1 was reset.</source>
        <translation>已重置 %1 的密码。</translation>
    </message>
</context>
</TS>