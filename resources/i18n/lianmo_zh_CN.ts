<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <location filename="../../app/ui/kit/labels.py" line="+49"/>
        <source>AUC %1</source>
        <translation>AUC %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not scored</source>
        <translation>未评分</translation>
    </message>
</context>
<context>
    <name>AddPeerDialog</name>
    <message>
        <location filename="../../app/ui/pages/peer_dialogs.py" line="+26"/>
        <source>Add peer</source>
        <translation>添加合作方</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask the other party&apos;s administrator for their fingerprint by phone or in person, never by e-mail alone. Lianmo connects only to the computer holding that key.</source>
        <translation>请通过电话或当面向对方管理员索取其指纹，切勿只凭电子邮件。联模只会连接持有该密钥的计算机。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. platform</source>
        <translation>例如：platform</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>HOST:PORT, e.g. 10.0.0.5:7443</source>
        <translation>主机:端口，例如 10.0.0.5:7443</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>64 hexadecimal digits, spaces allowed</source>
        <translation>64 位十六进制数字，可含空格</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Peer name</source>
        <translation>合作方名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fingerprint</source>
        <translation>指纹</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pin peer</source>
        <translation>固定合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The read-aloud code appears when the fingerprint is complete.</source>
        <translation>指纹输入完整后会显示朗读码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Read-aloud code: %1 (compare it with the peer)</source>
        <translation>朗读码：%1（请与对方核对）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter a name for the peer.</source>
        <translation>请输入合作方名称。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the address where the peer listens, as HOST:PORT.</source>
        <translation>请输入合作方的监听地址，格式为 主机:端口。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the peer&apos;s fingerprint: without it Lianmo cannot tell the peer from an impostor.</source>
        <translation>请输入合作方的指纹：没有指纹，联模无法区分真正的合作方与冒充者。</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="+83"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch code</source>
        <translation>网点代码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch managers see and approve only their own branch&apos;s lists. The new user should change the password after the first sign-in.</source>
        <translation>网点经理只能查看和审批本网点的名单。新用户首次登录后应修改密码。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AlignmentPage</name>
    <message>
        <location filename="../../app/ui/pages/alignment.py" line="+87"/>
        <source>Alignment</source>
        <translation>样本对齐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find the customers both parties share without showing either party the other&apos;s customers. Each party learns only which of its own customers are shared, and the sizes. The peer approves the job in its Jobs inbox before it runs.</source>
        <translation>在不向任何一方展示对方客户的前提下找出双方共有的客户。每一方只知道自己哪些客户是共有的，以及各方的数量。任务运行前须由合作方在其“任务”收件箱中批准。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+11"/>
        <source>Peer</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="-11"/>
        <location line="+11"/>
        <source>ID type</source>
        <translation>标识类型</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+10"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+76"/>
        <source>Mobile number</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="-76"/>
        <location line="+76"/>
        <source>ID card number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location line="-75"/>
        <location line="+76"/>
        <source>Customer number (opaque)</source>
        <translation>客户编号（不透明）</translation>
    </message>
    <message>
        <location line="-73"/>
        <source>Propose</source>
        <translation>发起提议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished alignments</source>
        <translation>已完成的对齐</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Our customers</source>
        <translation>我方客户数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer&apos;s customers</source>
        <translation>对方客户数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Shared</source>
        <translation>共有客户数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Overlap rate</source>
        <translation>重合率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>This workspace has no dataset with this ID type.</source>
        <translation>本工作区没有该标识类型的数据集。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of %2 stored customers consent now and will take part; consent is checked again when the job runs.</source>
        <translation>已存储的 %2 位客户中有 %1 位当前已授权并将参与；任务运行时会再次核验授权。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Alignment cancelled. The parts already matched are kept; Run asks %1 to approve continuing from there.</source>
        <translation>已取消匹配。已完成匹配的部分会保留；点击“运行”将请 %1 批准从该处继续。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Proposal sent to %1; waiting for its users to decide in their Jobs inbox…</source>
        <translation>提议已发送给 %1，正在等待其用户在“任务”收件箱中做出决定…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 approved the alignment. Run it when you are ready.</source>
        <translation>%1 已批准对齐任务。准备好后即可运行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 rejected the alignment.</source>
        <translation>%1 拒绝了对齐任务。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The alignment job is %2.</source>
        <translation>对齐任务状态：%2。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Alignment finished: %1 shared customers (%2 of ours).</source>
        <translation>对齐完成：共有客户 %1 位（占我方 %2）。</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>failed; Run tries again</source>
        <translation>失败；点击“运行”可重试</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../app/ui/pages/audit_model.py" line="+86"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Objects</source>
        <translation>对象</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../app/ui/pages/audit.py" line="+75"/>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every sign-in, change and job is a link in a hash chain: editing, deleting or reordering an entry breaks it. Parameters are stored only as digests.</source>
        <translation>每次登录、变更和任务都是哈希链中的一环：修改、删除或调换任何一条记录都会使链条断裂。参数仅以摘要形式保存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter by user, action or object</source>
        <translation>按用户、操作或对象筛选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verify chain</source>
        <translation>校验审计链</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 entries</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Verification cancelled; the chain was not checked to the end, so there is no result.</source>
        <translation>校验已取消：审计链未检查完毕，因此没有结论。</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Audit chain intact: all %1 entries verified. Head %2…</source>
        <translation>审计链完整：%1 条记录全部校验通过。链头 %2…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Audit chain broken at entry %1: %2.</source>
        <translation>审计链在第 %1 条记录处断裂：%2。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Export audit chain</source>
        <translation>导出审计链</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audit export (*.jsonl)</source>
        <translation>审计导出文件 (*.jsonl)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The file could not be written.</source>
        <translation>无法写入该文件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audit chain exported to %1. Auditors check it with: lianmo audit verify FILE</source>
        <translation>审计链已导出到 %1。审计人员可用以下命令校验：lianmo audit verify 文件名</translation>
    </message>
</context>
<context>
    <name>BranchReview</name>
    <message>
        <location filename="../../app/ui/pages/segments/branch.py" line="+37"/>
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+75"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Customer reference</source>
        <translation>客户编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decile</source>
        <translation>十分位</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Reason (required to remove a customer or to reject the list)</source>
        <translation>原因（移除客户或退回名单时必填）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove customer</source>
        <translation>移除客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve list</source>
        <translation>批准名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject list</source>
        <translation>退回名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export call sheet…</source>
        <translation>导出外呼表…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1. Check each customer; select one and give a reason to remove them. 2. Approve the list, or reject it with a reason: one decision per plan version. 3. Once the analyst finalises the plan, export the call sheet.</source>
        <translation>1. 逐一查看客户；选中一位并填写原因即可移除。2. 批准名单，或填写原因后驳回：每个方案版本只能决定一次。3. 分析师定稿后，导出外呼清单。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Customer no. (masked)</source>
        <translation>客户号（脱敏）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name (masked)</source>
        <translation>姓名（脱敏）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last contact</source>
        <translation>上次联系</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reasons</source>
        <translation>推荐原因</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Branch %1, %2 v%3: %4 to contact, %5 removed, %6 in the control group (not listed). Your decision: %7.</source>
        <translation>网点 %1，%2 v%3：待联系 %4 人，已移除 %5 人，对照组 %6 人（不列出）。您的决定：%7。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pitch: %1</source>
        <translation>话术：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Customer %1 was removed from your branch&apos;s list.</source>
        <translation>客户 %1 已从本网点名单中移除。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>You approved your branch&apos;s list.</source>
        <translation>您已批准本网点的名单。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You rejected your branch&apos;s list.</source>
        <translation>您已退回本网点的名单。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export call sheet to</source>
        <translation>将外呼表导出到</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 files written to %2.</source>
        <translation>已将 %1 个文件写入 %2。</translation>
    </message>
</context>
<context>
    <name>CampaignPage</name>
    <message>
        <location filename="../../app/ui/pages/campaign/page.py" line="+100"/>
        <location line="+4"/>
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Import who bound after the campaign, then compare the invited customers with the control group: uplift with 95% intervals, by channel, branch and score decile.</source>
        <translation>导入活动后的绑卡结果，将受邀客户与对照组比较：提升率及 95% 置信区间，按渠道、网点和评分十分位细分。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Results for your branch %1 only: its invited customers compared with its control group.</source>
        <translation>仅显示您的网点 %1 的结果：本网点受邀客户与其对照组的比较。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window (days)</source>
        <translation>归因窗口（天）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import outcomes…</source>
        <translation>导入结果…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export XLSX…</source>
        <translation>导出 XLSX…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share with partner…</source>
        <translation>与合作方共享…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By channel</source>
        <translation>按渠道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By branch</source>
        <translation>按网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By plan decile</source>
        <translation>按方案十分位</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+148"/>
        <source>Uplift curve</source>
        <translation>提升曲线</translation>
    </message>
    <message>
        <location line="-145"/>
        <source>No finalised plan</source>
        <translation>没有已定稿的方案</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>No partner is pinned yet (see Peers).</source>
        <translation>尚未固定任何合作方（见“合作方”）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Share with partner</source>
        <translation>与合作方共享</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The aggregate report was sent to %1.</source>
        <translation>汇总报告已发送给 %1。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Proposed to %1; it is sent once they approve.</source>
        <translation>已向 %1 提议；对方批准后即发送。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 rows read: %2 matched plan customers (%3 treated, %4 control), %5 matched nobody in the plan, %6 rejected. Evaluate to see the result.</source>
        <translation>已读取 %1 行：%2 行匹配到方案客户（受邀 %3，对照 %4），%5 行未匹配到方案中的任何客户，%6 行被拒绝。请点击“评估”查看结果。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No finalised plan yet: create and finalise a plan on the Segments page, then evaluate it here.</source>
        <translation>还没有已定稿的计划：请先在“目标客群”页面创建并定稿计划，再在这里评估。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No evaluation yet: import outcomes and press Evaluate.</source>
        <translation>尚无评估：请导入结果后点击“评估”。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No evaluation yet: press Evaluate once the analyst has imported the campaign&apos;s outcomes.</source>
        <translation>尚无评估：待分析员导入活动结果后，请点击“评估”。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>first reach-list export</source>
        <translation>首次导出触达名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>plan finalisation</source>
        <translation>方案定稿</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Evaluation v%1 · window %2 days from the %3 (%4 to %5, %6) · %7 bind events in the window</source>
        <translation>评估 v%1 · 自%3起 %2 天窗口（%4 至 %5，%6）· 窗口内绑卡事件 %7 个</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>complete</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>still open</source>
        <translation>尚未结束</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>uplift (pp)</source>
        <translation>提升（百分点）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Uplift by channel</source>
        <translation>各渠道提升</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplift by branch</source>
        <translation>各网点提升</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uplift by plan score decile (1 = highest)</source>
        <translation>按方案评分十分位的提升（1 = 最高）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>share targeted (top scores first)</source>
        <translation>触达比例（高分优先）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>incremental binds per 100 customers</source>
        <translation>每百名客户的增量绑卡数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>random targeting</source>
        <translation>随机触达</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Campaign evaluation: %1</source>
        <translation>营销活动评估：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+11"/>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Export XLSX</source>
        <translation>导出 XLSX</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../app/ui/password_dialog.py" line="+27"/>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change my password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New password for %1, at least 8 characters. Wrong current passwords count towards the sign-in lock-out.</source>
        <translation>为 %1 设置新密码，至少 8 个字符。当前密码输错会计入登录锁定次数。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>An administrator reset the password of %1. Choose a new one that only you know before you continue (at least 8 characters).</source>
        <translation>管理员重置了 %1 的密码。请先设置一个只有您自己知道的新密码再继续（至少 8 个字符）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>ConditionTable</name>
    <message>
        <location filename="../../app/ui/pages/segments/conditions.py" line="+98"/>
        <source>Column</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Operator</source>
        <translation>运算符</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add rule</source>
        <translation>添加规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove rule</source>
        <translation>删除规则</translation>
    </message>
</context>
<context>
    <name>CreatePage</name>
    <message>
        <location filename="../../app/ui/startup/create_page.py" line="+66"/>
        <source>Create a workspace</source>
        <translation>创建工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each party creates its own workspace. You become its first administrator and can add analysts and branch managers.</source>
        <translation>每个参与方各自创建工作区。您将成为首位管理员，并可添加分析师和网点经理。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New folder</source>
        <translation>新文件夹</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Party name</source>
        <translation>参与方名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This party is the</source>
        <translation>本方角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workspace key</source>
        <translation>工作区密钥</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat passphrase</source>
        <translation>确认口令</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. the bank&apos;s branch or the platform</source>
        <translation>例如：银行分行或互联网平台</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep a random key in this computer&apos;s keyring (recommended)</source>
        <translation>在本机系统密钥环中保存随机密钥（推荐）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Protect with a passphrase</source>
        <translation>使用口令保护</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No keyring is available on this computer, so the workspace needs a passphrase.</source>
        <translation>本机没有可用的系统密钥环，因此工作区需要口令。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Without the passphrase nobody, including you, can open the workspace again.</source>
        <translation>没有口令，任何人（包括您本人）都无法再打开此工作区。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only this computer&apos;s account can open the workspace. Removing the key destroys the data.</source>
        <translation>只有本机的当前账户能打开此工作区。删除密钥即销毁数据。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Create workspace</source>
        <translation>创建工作区</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose an empty folder</source>
        <translation>选择一个空文件夹</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
</context>
<context>
    <name>DataLabels</name>
    <message>
        <location filename="../../app/ui/pages/data/files.py" line="+17"/>
        <source>Comma (,)</source>
        <translation>逗号 (,)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Semicolon (;)</source>
        <translation>分号 (;)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tab</source>
        <translation>制表符</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Vertical bar (|)</source>
        <translation>竖线 (|)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detect automatically</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/data/mapping.py" line="+21"/>
        <source>Mobile number</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resident ID card number</source>
        <translation>居民身份证号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other customer number</source>
        <translation>其他客户编号</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Numeric</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categorical</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Do not import</source>
        <translation>不导入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Used the app in the last 30 days</source>
        <translation>近 30 天使用过 App</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visited a branch recently</source>
        <translation>近期到访过网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Already bound quick pay</source>
        <translation>已绑定快捷支付</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opted out of marketing</source>
        <translation>已拒绝营销</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/data/overview.py" line="+20"/>
        <source>Bank (label party)</source>
        <translation>银行（标签方）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner (feature party)</source>
        <translation>合作平台（特征方）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C3: identifies a person; encrypted at rest, never shown in clear</source>
        <translation>C3：可识别个人；加密存储，绝不明文显示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C2: a person&apos;s account and behaviour data; analysts only</source>
        <translation>C2：个人账户与行为数据；仅分析师可见</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>C1: aggregates, not about one person</source>
        <translation>C1：汇总数据，不涉及单个个人</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/data/report.py" line="+42"/>
        <source>Identifier</source>
        <translation>标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feature</source>
        <translation>特征</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact flag</source>
        <translation>触达标记</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer name</source>
        <translation>客户姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last contact date</source>
        <translation>上次联系日期</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Name (masked)</source>
        <translation>姓名（脱敏）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yes/no</source>
        <translation>是/否</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <location filename="../../app/ui/pages/data/page.py" line="+112"/>
        <location line="+3"/>
        <source>Consent &amp; data</source>
        <translation>授权与数据</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Imported datasets and their data dictionary (read-only). Analysts import data.</source>
        <translation>已导入的数据集及其数据字典（只读）。数据由分析师导入。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import your customer file together with its consent file. Only customers with a valid consent for the joint marketing model are stored, encrypted in this workspace.</source>
        <translation>请将客户数据文件与其授权文件一起导入。只有对联合营销模型授权有效的客户才会被加密保存在本工作区中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1 · Files</source>
        <translation>1 · 文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>2 · Columns</source>
        <translation>2 · 字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>3 · Report</source>
        <translation>3 · 校验报告</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Datasets</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Load profile…</source>
        <translation>加载导入配置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save profile…</source>
        <translation>保存导入配置…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validate</source>
        <translation>校验</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Customer data file</source>
        <translation>客户数据文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer data (*.csv *.csv.gz *.gz *.txt *.xlsx)</source>
        <translation>客户数据 (*.csv *.csv.gz *.gz *.txt *.xlsx)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Consent file</source>
        <translation>授权文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+223"/>
        <source>Consent file (*.csv *.csv.gz *.gz)</source>
        <translation>授权文件 (*.csv *.csv.gz *.gz)</translation>
    </message>
    <message>
        <location line="-163"/>
        <source>The file has no column named %1; check the file or the mapping.</source>
        <translation>文件中没有名为 %1 的列；请检查文件或字段映射。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Load import profile</source>
        <translation>加载导入配置</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+33"/>
        <source>Import profile (*.json)</source>
        <translation>导入配置 (*.json)</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>This profile is for the other party&apos;s data; this workspace holds the %1 side.</source>
        <translation>此配置属于另一方的数据；本工作区是 %1 一方。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Profile %1 loaded.</source>
        <translation>已加载导入配置 %1。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save import profile</source>
        <translation>保存导入配置</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The file could not be written.</source>
        <translation>无法写入该文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Profile saved to %1.</source>
        <translation>导入配置已保存到 %1。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Choose the customer data file and the consent file first.</source>
        <translation>请先选择客户数据文件和授权文件。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import cancelled: nothing was stored and the workspace is unchanged.</source>
        <translation>导入已取消：未保存任何数据，工作区保持不变。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validation cancelled; nothing was stored.</source>
        <translation>校验已取消；未保存任何数据。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Check the consent file</source>
        <translation>请检查授权文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was imported yet:</source>
        <translation>尚未导入任何数据：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import anyway?</source>
        <translation>仍要导入吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import stopped; nothing was stored.</source>
        <translation>导入已停止；未保存任何数据。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 rows read</source>
        <translation>已读取 %1 行</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Imported %1 customers with a valid consent into %2 (version %3). See the Datasets tab.</source>
        <translation>已将 %1 位授权有效的客户导入 %2（第 %3 版）。请查看“数据集”标签页。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Validation finished: %1 customers would be stored. Nothing has been stored yet.</source>
        <translation>校验完成：将保存 %1 位客户。目前尚未保存任何数据。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Consent update</source>
        <translation>授权更新</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Consent update cancelled; nothing was recorded.</source>
        <translation>授权更新已取消；未记录任何内容。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Consent update recorded for %1: %2 rows read, %3 rejected. %4 customers are eligible now.</source>
        <translation>已为 %1 记录授权更新：读取 %2 行，拒绝 %3 行。当前有 %4 位客户可用。</translation>
    </message>
</context>
<context>
    <name>DataReasons</name>
    <message>
        <location filename="../../app/ui/pages/data/report.py" line="-44"/>
        <source>identifier missing</source>
        <translation>缺少标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>identifier mangled by a spreadsheet (e.g. 1.38E+10)</source>
        <translation>标识被电子表格改写（如 1.38E+10）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>identifier not valid for its type</source>
        <translation>标识不符合其类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ID card check digit wrong</source>
        <translation>身份证校验码错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>same customer twice with different values</source>
        <translation>同一客户出现两次且取值不同</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a date</source>
        <translation>不是日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a date and time</source>
        <translation>不是日期时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a yes/no value</source>
        <translation>不是“是/否”值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>label not 0/1</source>
        <translation>标签不是 0/1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a valid branch code</source>
        <translation>网点代码无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>category text too long or invalid</source>
        <translation>类别文本过长或无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>text not valid</source>
        <translation>文本无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>value not valid</source>
        <translation>取值无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>consent without a grant time</source>
        <translation>授权缺少授权时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>consent expires before it was granted</source>
        <translation>授权到期时间早于授权时间</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="-63"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DistributionPanel</name>
    <message>
        <location filename="../../app/ui/pages/segments/chart.py" line="+44"/>
        <source>Decile</source>
        <translation>十分位</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+26"/>
        <location line="+26"/>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>Mean score</source>
        <translation>平均分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Min</source>
        <translation>最低</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Max</source>
        <translation>最高</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Score distribution</source>
        <translation>评分分布</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../app/ui/errors.py" line="+21"/>
        <source>Something went wrong; the details are in the log.</source>
        <translation>出现意外错误，详情已写入日志。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>it does not follow the previous entry</source>
        <translation>它与上一条记录不衔接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>its content was changed</source>
        <translation>其内容已被修改</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/job_panels.py" line="+46"/>
        <source>Cross-party work is paused by an administrator (kill switch).</source>
        <translation>管理员已暂停所有跨方工作（紧急停止开关）。</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/peers.py" line="+32"/>
        <source>Peer names are 1-64 letters, digits, &apos;.&apos;, &apos;-&apos; or &apos;_&apos;.</source>
        <translation>合作方名称为 1-64 个字母、数字或 &apos;.&apos;、&apos;-&apos;、&apos;_&apos;。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is this workspace&apos;s own fingerprint, not the peer&apos;s.</source>
        <translation>这是本工作区自己的指纹，不是合作方的。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A fingerprint is 64 hexadecimal digits (spaces or colons allowed).</source>
        <translation>指纹为 64 位十六进制数字（可含空格或冒号）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The peer answered the ping with something else.</source>
        <translation>合作方对连通性检测的应答不正确。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The peer closed the connection.</source>
        <translation>合作方关闭了连接。</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/segments/common.py" line="+51"/>
        <source>Please give a reason.</source>
        <translation>请填写原因。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your branch has already decided on this list.</source>
        <translation>本网点已对该名单作出决定。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This plan is finalised; its branch lists can no longer change.</source>
        <translation>该计划已定稿，网点名单不能再修改。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reach lists are exported only from a finalised plan.</source>
        <translation>只有已定稿的计划才能导出触达名单。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This plan is already finalised.</source>
        <translation>该计划已经定稿。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A finalised plan cannot be changed; create a new plan.</source>
        <translation>已定稿的计划不能修改，请新建计划。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your branch has no customers in this plan.</source>
        <translation>本网点在该计划中没有客户。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No customer with this reference is on your branch&apos;s list.</source>
        <translation>本网点名单中没有此编号的客户。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The plan changed meanwhile; open your branch&apos;s list again.</source>
        <translation>计划已被更新，请重新打开本网点名单。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch managers see only their own branch&apos;s list.</source>
        <translation>网点经理只能查看本网点的名单。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no such plan.</source>
        <translation>没有这个计划。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan rules: &apos;campaign_id&apos; is 1-64 letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos; and starts with a letter or digit.</source>
        <translation>计划规则：活动编号为 1-64 个字母、数字、&apos;.&apos;、&apos;-&apos; 或 &apos;_&apos;，并以字母或数字开头。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Plan rules: &apos;template_id&apos; must not be empty.</source>
        <translation>计划规则：应用模板编号不能为空。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A plan without a control group needs &apos;control.allow_no_control&apos;: true and a &apos;control.reason&apos;.</source>
        <translation>不设对照组的计划需要 &apos;control.allow_no_control&apos;: true 和 &apos;control.reason&apos;。</translation>
    </message>
    <message>
        <location filename="../../app/ui/pages/training/page.py" line="+36"/>
        <source>Metrics are computed from labels and are not available to the feature party.</source>
        <translation>模型指标由标签计算得出，特征方无法查看。</translation>
    </message>
</context>
<context>
    <name>FilesView</name>
    <message>
        <location filename="../../app/ui/pages/data/files.py" line="+60"/>
        <source>Customer data</source>
        <translation>客户数据</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Consent file</source>
        <translation>授权文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV, CSV.GZ or XLSX file</source>
        <translation>CSV、CSV.GZ 或 XLSX 文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV with customer_id, purpose, granted_at, expires_at, revoked_at</source>
        <translation>含 customer_id、purpose、granted_at、expires_at、revoked_at 列的 CSV</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The first rows of the file, as read with these settings. Identifiers are masked; the whole file is checked when you validate.</source>
        <translation>按上述设置读取的文件前几行。标识已脱敏；校验时会检查整个文件。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Excel workbook: first worksheet, no text encoding to choose.</source>
        <translation>Excel 工作簿：读取第一个工作表，无需选择文本编码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detected: GBK (read as GB18030, which contains GBK).</source>
        <translation>识别为：GBK（按包含 GBK 的 GB18030 读取）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Detected: %1.</source>
        <translation>识别为：%1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read as %1.</source>
        <translation>按 %1 读取。</translation>
    </message>
</context>
<context>
    <name>HeadlineCards</name>
    <message>
        <location filename="../../app/ui/pages/campaign/charts.py" line="+53"/>
        <source>Uplift (treated − control)</source>
        <translation>提升（受邀 − 对照）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>p-value</source>
        <translation>p 值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Incremental binds</source>
        <translation>增量绑卡数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bind rate</source>
        <translation>绑卡率</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+8"/>
        <source>95% CI %1 to %2</source>
        <translation>95% 置信区间 %1 至 %2</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>significant at 5%</source>
        <translation>在 5% 水平显著</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not significant at 5%</source>
        <translation>在 5% 水平不显著</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>treated %1 · control %2</source>
        <translation>受邀 %1 · 对照 %2</translation>
    </message>
</context>
<context>
    <name>IdentityCard</name>
    <message>
        <location filename="../../app/ui/pages/peer_cards.py" line="+67"/>
        <source>Our fingerprint</source>
        <translation>本方指纹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read aloud</source>
        <translation>朗读码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Listening for peers at %1.</source>
        <translation>正在 %1 监听合作方连接。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not listening: %1 Peers cannot reach this workspace; checks and pairing from here still work.</source>
        <translation>未在监听：%1 合作方无法连接本工作区；从本方发起的检测和配对仍可进行。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not listening while this page is open on its own.</source>
        <translation>此页面单独打开时不监听连接。</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <location filename="../../app/ui/pages/job_panels.py" line="-25"/>
        <source>Alignment</source>
        <translation>样本对齐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training</source>
        <translation>模型训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scoring</source>
        <translation>评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Evaluation sharing</source>
        <translation>效果共享</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Waiting for approval</source>
        <translation>等待批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>waiting for the peer&apos;s decision</source>
        <translation>等待合作方决定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>approved, ready to run</source>
        <translation>已批准，可以运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>rejected by the peer</source>
        <translation>已被合作方拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+143"/>
        <source>%1 has not decided yet; the job waits in its Jobs inbox. Run becomes available once it is approved.</source>
        <translation>%1 尚未做出决定，任务在其“任务”收件箱中等待。批准后即可运行。</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>waiting for the peer&apos;s decision to resume from tree %1</source>
        <translation>等待对方决定是否从第 %1 棵树继续</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>waiting for the peer&apos;s decision to resume from chunk %1</source>
        <translation>等待对方决定是否从第 %1 块继续</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Current job with %1: %2</source>
        <translation>与 %1 的当前任务：%2</translation>
    </message>
</context>
<context>
    <name>JobsAdminCard</name>
    <message>
        <location line="-146"/>
        <source>The kill switch refuses new proposals, stops running jobs at their next checkpoint and keeps any job from starting, in this workspace.</source>
        <translation>紧急停止开关会在本工作区拒绝新的任务提议，使运行中的任务在下一个检查点停止，并阻止任何任务启动。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Approve the peer&apos;s proposals automatically:</source>
        <translation>自动批准合作方提议的任务：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Resume cross-party work</source>
        <translation>恢复跨方工作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause all cross-party work</source>
        <translation>暂停所有跨方工作</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cross-party work may run again.</source>
        <translation>跨方工作已恢复，可以再次运行。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 proposals from peers are now approved automatically; each use is audited.</source>
        <translation>合作方提议的%1任务现将自动批准；每次自动批准都会记入审计。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 proposals from peers now wait for a person&apos;s decision.</source>
        <translation>合作方提议的%1任务现需由人工决定。</translation>
    </message>
</context>
<context>
    <name>JobsPage</name>
    <message>
        <location filename="../../app/ui/pages/jobs.py" line="+103"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cross-party work runs only after both parties approved it, each in its own workspace. Read every parameter before approving: it is what the peer will run against this workspace&apos;s data.</source>
        <translation>跨方工作须经双方各自在本方工作区批准后才会运行。批准前请逐项阅读参数：这正是对方将针对本工作区数据运行的内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+3"/>
        <location line="+3"/>
        <location line="+3"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+3"/>
        <location line="+3"/>
        <location line="+3"/>
        <source>Peer</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+10"/>
        <source>Proposed by</source>
        <translation>提议方</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+10"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Waiting for</source>
        <translation>等待</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+3"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step</source>
        <translation>当前步骤</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transcript hash</source>
        <translation>会话记录哈希</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Error or reason</source>
        <translation>错误或原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reason for rejecting (the peer sees it)</source>
        <translation>拒绝原因（对方可见）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Waiting (%1)</source>
        <translation>待批准（%1）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Running (%1)</source>
        <translation>进行中（%1）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>History (%1)</source>
        <translation>历史（%1）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Peer %1</source>
        <translation>合作方 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This workspace (%1)</source>
        <translation>本工作区（%1）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Our decision</source>
        <translation>本方决定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The peer&apos;s decision</source>
        <translation>对方决定</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Proposed here; waiting for the peer&apos;s administrators or analysts to decide.</source>
        <translation>由本方提议，正在等待对方的管理员或分析师决定。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The kill switch is on; nothing can be approved.</source>
        <translation>紧急停止开关已打开，无法批准任何任务。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Resume job %1 from tree %2: approving allows one more run of this training, continuing after the trees already built.</source>
        <translation>从第 %2 棵树继续任务 %1：批准即允许本次训练再运行一次，从已建好的树之后继续。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Resume job %1 from chunk %2: approving allows one more run of this alignment, continuing after the chunks already exchanged.</source>
        <translation>从第 %2 块继续任务 %1：批准即允许本次对齐再运行一次，从已交换的块之后继续。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>If you approve, the bank&apos;s model uses your %1 features on up to %2 shared customers over at most %3 trees of depth %4. A bank that broke the protocol could read your binned values of the customers in each node; your approval, these limits and both audits are your controls.</source>
        <translation>若批准：银行的模型将在最多 %2 位共同客户上使用您的 %1 个特征，最多 %3 棵树、深度 %4。若银行违反协议，可读出每个节点中客户的您方分箱取值；您的审批、这些上限和双方审计是您的控制手段。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Okamoto-Uchiyama (OU)</source>
        <translation>冈本-内山（OU）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paillier</source>
        <translation>Paillier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradients are encrypted with %1 (%2-bit keys).</source>
        <translation>梯度以 %1 加密（%2 位密钥）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>If you approve, the bank learns how many of its labelled customers fall into each bin of your %1 features on up to %2 shared customers, and your points column per customer at scoring; you learn which of your bins it merged and which features it kept. The shared regression runs %3 epochs in batches of %4 rows (step %5, L2 %6); the bank learns its training loss per epoch. Your weights and bin edges stay with you.</source>
        <translation>如果您批准，银行将得知在最多 %2 位共同客户中、其有标签的客户落入您 %1 个特征每个分箱的人数，以及评分时每位客户的您方分数列；您将得知银行合并了您的哪些分箱、保留了哪些特征。秘密分享的回归运行 %3 轮，每批 %4 行（步长 %5，L2 %6）；银行得知每轮的训练损失。您的权重和分箱边界留在您这里。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The regression holds out %1% of the training rows and stops after %2 epochs without a better validation loss, which only the bank learns; you learn at which epoch training stopped and which epoch&apos;s weights were kept, and that depends on the bank&apos;s labels.</source>
        <translation>回归留出 %1% 的训练行，在连续 %2 轮验证损失没有改善后停止训练，验证损失只有银行得知；您将得知训练在哪一轮停止、保留了哪一轮的权重，而这取决于银行的标签。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>If you approve, the peer learns, once, which of its up to %1 identifiers are among your consented customers.</source>
        <translation>若批准：对方将获知一次，其最多 %1 个标识中哪些属于您方已授权的客户。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CROSS-PARTY WORK IS PAUSED (kill switch). New proposals are refused, no job can be approved or started, and running jobs stop at their next checkpoint.</source>
        <translation>跨方工作已暂停（紧急停止开关）。新的提议将被拒绝，任何任务都不能被批准或启动，运行中的任务会在下一个检查点停止。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Give a reason to reject the job; the peer sees it.</source>
        <translation>请填写拒绝原因，对方会看到。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Approved the %1 job with %2. The peer is told; it starts when they run it.</source>
        <translation>已批准与 %2 的%1任务。已通知对方，对方运行时即开始。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rejected the %1 job with %2. The peer is told why.</source>
        <translation>已拒绝与 %2 的%1任务，并已将原因告知对方。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../app/ui/kit/labels.py" line="-44"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analyst</source>
        <translation>分析师</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch manager</source>
        <translation>网点经理</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Label party (holds the outcomes, e.g. the bank)</source>
        <translation>标签方（持有结果数据，如银行）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feature party (adds features, e.g. the platform)</source>
        <translation>特征方（提供特征数据，如互联网平台）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>label party</source>
        <translation>标签方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>feature party</source>
        <translation>特征方</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>replay</source>
        <translation>复现</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>retrained on outcomes</source>
        <translation>按活动结果重训</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User added</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User disabled</source>
        <translation>停用用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User enabled</source>
        <translation>启用用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password reset</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password changed</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workspace created</source>
        <translation>创建工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workspace destroyed</source>
        <translation>销毁工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compute setting changed</source>
        <translation>更改计算设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identity created</source>
        <translation>创建身份</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer added</source>
        <translation>添加合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer removed</source>
        <translation>移除合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listen address set</source>
        <translation>设置监听地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer&apos;s audit head received</source>
        <translation>收到合作方的审计链头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer&apos;s audit chain went back</source>
        <translation>合作方的审计链出现回退</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rollback of this workspace detected</source>
        <translation>检测到本工作区被回滚</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cross-party work paused</source>
        <translation>暂停跨机构协作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cross-party work resumed</source>
        <translation>恢复跨机构协作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job proposed</source>
        <translation>提议任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Proposal received</source>
        <translation>收到提议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job approved</source>
        <translation>批准任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job rejected</source>
        <translation>拒绝任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job approved by policy</source>
        <translation>按策略自动批准任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approval policy changed</source>
        <translation>更改审批策略</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer approved the job</source>
        <translation>合作方批准任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Peer rejected the job</source>
        <translation>合作方拒绝任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Resume requested</source>
        <translation>请求继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job started</source>
        <translation>任务开始运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job finished</source>
        <translation>任务完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job paused</source>
        <translation>任务暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Job cancelled</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Job interrupted</source>
        <translation>任务中断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start refused</source>
        <translation>拒绝启动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data imported</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consents imported</source>
        <translation>导入授权</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alignment saved</source>
        <translation>保存对齐结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model stored</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model renamed</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main model chosen</source>
        <translation>设定主模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model record exported</source>
        <translation>导出模型档案</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scores stored</source>
        <translation>保存评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan created</source>
        <translation>创建计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan revised</source>
        <translation>修改计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan finalised</source>
        <translation>计划定稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan exported</source>
        <translation>导出计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch approved its list</source>
        <translation>网点批准名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch rejected its list</source>
        <translation>网点拒绝名单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch removed a customer</source>
        <translation>网点移除客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent withdrawn</source>
        <translation>授权已撤回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Control group overridden</source>
        <translation>调整对照组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcomes imported</source>
        <translation>导入营销结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Campaign evaluated</source>
        <translation>评估营销活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcomes used for retraining</source>
        <translation>用营销结果重新训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report shared</source>
        <translation>共享报告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report received</source>
        <translation>收到报告</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>peer</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>transcript hash</source>
        <translation>记录哈希</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>alignment</source>
        <translation>对齐</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>party</source>
        <translation>参与方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch</source>
        <translation>网点</translation>
    </message>
</context>
<context>
    <name>LiveCounts</name>
    <message>
        <location filename="../../app/ui/pages/segments/counts.py" line="+27"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Treated</source>
        <translation>触达组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Control</source>
        <translation>对照组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decile</source>
        <translation>十分位</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Funnel</source>
        <translation>漏斗</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By channel</source>
        <translation>按渠道</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>By branch</source>
        <translation>按网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>By decile</source>
        <translation>按十分位</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Updating the counts…</source>
        <translation>正在更新计数…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Counts not updated: %1</source>
        <translation>计数未更新：%1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Counts for the rules as they are now.</source>
        <translation>以下为当前规则的计数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a score source to see live counts.</source>
        <translation>选择评分来源后即可查看实时计数。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 treated and %2 in the control group, out of %3 eligible (%4 scored). %5 moved to the app by branch capacity.</source>
        <translation>触达组 %1 人，对照组 %2 人，符合条件 %3 人（已评分 %4 人）。因网点容量转入 App 的有 %5 人。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excluded: %1</source>
        <translation>排除：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Eligible</source>
        <translation>符合条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Selected</source>
        <translation>已选中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dropped for branch capacity</source>
        <translation>因网点容量剔除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In the plan</source>
        <translation>计划内</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../app/ui/startup/login_page.py" line="+29"/>
        <location line="+7"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Every sign-in is recorded in the workspace&apos;s audit chain.</source>
        <translation>每次登录都会记入工作区的审计链。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/window.py" line="+69"/>
        <source>&amp;Workspace</source>
        <translation>工作区(&amp;W)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close workspace</source>
        <translation>关闭工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+90"/>
        <source>About Lianmo</source>
        <translation>关于联模</translation>
    </message>
    <message>
        <location line="-88"/>
        <source>Switch to the bank&apos;s demo workspace</source>
        <translation>切换到银行的演示工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Switch to the platform&apos;s demo workspace</source>
        <translation>切换到平台的演示工作区</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>Lianmo %1: joint marketing models between a bank and a platform, without raw customer data leaving its owner.</source>
        <translation>联模 %1：银行与互联网平台联合构建营销模型，客户原始数据不出域。</translation>
    </message>
</context>
<context>
    <name>MappingEditor</name>
    <message>
        <location filename="../../app/ui/pages/data/mapping.py" line="+96"/>
        <source>Dataset name</source>
        <translation>数据集名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Identifier column</source>
        <translation>标识列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Identifier type</source>
        <translation>标识类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Label (outcome, 0/1)</source>
        <translation>标签（结果，0/1）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Branch code</source>
        <translation>网点代码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customer name (shown masked)</source>
        <translation>客户姓名（脱敏显示）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last contact date</source>
        <translation>上次联系日期</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>a-z, 0-9 and _</source>
        <translation>a-z、0-9 和 _</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Importing again under the same name replaces the dataset (its version goes up).</source>
        <translation>以相同名称再次导入会替换该数据集（版本号递增）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Features: every other column, with how to read it. Columns set to &quot;Do not import&quot; are not stored.</source>
        <translation>特征：其余各列及其读取方式。设为“不导入”的列不会被保存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>First value</source>
        <translation>首个值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Choose the customer data file first.</source>
        <translation>请先选择客户数据文件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give the dataset a name: 1-40 characters of a-z, 0-9 and _.</source>
        <translation>请为数据集命名：1-40 个 a-z、0-9 或 _ 字符。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the label column (the bank side trains on it).</source>
        <translation>请选择标签列（银行方以此训练模型）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose at least one feature column to import.</source>
        <translation>请至少选择一个要导入的特征列。</translation>
    </message>
</context>
<context>
    <name>MismatchCard</name>
    <message>
        <location filename="../../app/ui/pages/peer_cards.py" line="+49"/>
        <source>FINGERPRINT MISMATCH: the computer answering for %1 is not the one you paired with. The connection was closed; nothing from it was trusted.</source>
        <translation>指纹不一致：以 %1 名义应答的计算机不是您配对的那一台。连接已关闭，未信任其任何内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pinned (what you entered)</source>
        <translation>已固定的指纹（您输入的）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Presented by the computer at %1</source>
        <translation>%1 处计算机出示的指纹</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check the fingerprint with the peer&apos;s administrator by phone, then remove this peer and add it again.</source>
        <translation>请通过电话与对方管理员核对指纹，然后移除该合作方并重新添加。</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../app/ui/pages/training/models.py" line="+46"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as main</source>
        <translation>设为主模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The main model (★) is the one the Segments page starts on when you plan a campaign.</source>
        <translation>主模型（★）是规划活动时“目标客群”页面默认使用的模型。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Rename model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
</context>
<context>
    <name>OpenPage</name>
    <message>
        <location filename="../../app/ui/startup/open_page.py" line="+50"/>
        <source>Open a workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A workspace is one encrypted folder holding this party&apos;s data, models and audit chain.</source>
        <translation>工作区是一个加密文件夹，保存本方的数据、模型和审计链。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recent workspaces</source>
        <translation>最近使用的工作区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create a new workspace…</source>
        <translation>创建新工作区…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Choose the workspace folder</source>
        <translation>选择工作区文件夹</translation>
    </message>
</context>
<context>
    <name>OutcomeImportDialog</name>
    <message>
        <location filename="../../app/ui/pages/campaign/import_dialog.py" line="+78"/>
        <source>Import outcomes</source>
        <translation>导入结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>Outcome file</source>
        <translation>结果文件</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Customer identifier</source>
        <translation>客户标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Identifier type</source>
        <translation>标识类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Bound at (date/time)</source>
        <translation>绑卡时间（日期/时间）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Channel bound through</source>
        <translation>绑卡渠道</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Outcomes (*.csv *.txt *.xlsx)</source>
        <translation>结果文件 (*.csv *.txt *.xlsx)</translation>
    </message>
</context>
<context>
    <name>OverviewView</name>
    <message>
        <location filename="../../app/ui/pages/data/overview.py" line="+58"/>
        <source>Stored customers are counted as eligible only while their consent is valid; it is re-checked every time data is used.</source>
        <translation>已保存的客户只有在授权有效期间才计为可用；每次使用数据时都会重新检查授权。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import consent update…</source>
        <translation>导入授权更新…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Side</source>
        <translation>所属方</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stored</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Eligible now</source>
        <translation>当前可用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Imported at</source>
        <translation>导入时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Imported by</source>
        <translation>导入人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Source file</source>
        <translation>源文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>用途</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sensitivity</source>
        <translation>敏感级别</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>%1 file(s), latest %2</source>
        <translation>%1 个文件，最近 %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>; %1 no longer eligible (revoked or expired)</source>
        <translation>；%1 位已不可用（撤回或到期）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Data dictionary of %1</source>
        <translation>%1 的数据字典</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No dataset imported yet.</source>
        <translation>尚未导入数据集。</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <location filename="../../app/ui/pages/base.py" line="+69"/>
        <source>Next: %1</source>
        <translation>下一步：%1</translation>
    </message>
</context>
<context>
    <name>PeersPage</name>
    <message>
        <location filename="../../app/ui/pages/peers.py" line="+65"/>
        <source>Peers</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The other party&apos;s computers this workspace trusts, each pinned by the fingerprint its administrator gave you. Give them ours the same way.</source>
        <translation>本工作区信任的对方计算机，每台都以其管理员提供的指纹固定。请以同样方式把本方指纹告知对方。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Party name</source>
        <translation>参与方名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Code</source>
        <translation>朗读码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last seen</source>
        <translation>最近连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add peer…</source>
        <translation>添加合作方…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check</source>
        <translation>检测连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listening address…</source>
        <translation>监听地址…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Listening address</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>HOST:PORT where the partner reaches this workspace, with a fixed port (for example 0.0.0.0:7800). The partner pins this address with our fingerprint.</source>
        <translation>合作方访问本工作区的 主机:端口，须为固定端口（例如 0.0.0.0:7800）。合作方会将此地址与我方指纹一起固定。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Saved: %1. The listener uses it from the next sign-in.</source>
        <translation>已保存：%1。下次登录起监听程序将使用此地址。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Paired; not checked yet</source>
        <translation>已配对，尚未检测</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate not fetched yet</source>
        <translation>尚未获取证书</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connected · %1 ms</source>
        <translation>已连接 · %1 毫秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked at %1</source>
        <translation>检测于 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paired; certificate matches</source>
        <translation>已配对，证书与指纹一致</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fingerprint mismatch!</source>
        <translation>指纹不一致！</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Our fingerprint is on the clipboard. Read the code %1 to the peer to confirm it.</source>
        <translation>本方指纹已复制到剪贴板。请向对方朗读 %1 以便核对。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 is pinned. Fetching its certificate…</source>
        <translation>已固定 %1，正在获取其证书…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 is pinned but could not be reached now: %2 Its certificate will be fetched at the first connection.</source>
        <translation>已固定 %1，但目前无法连接：%2 将在首次连接时获取其证书。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 could not be reached or refused the connection: %2</source>
        <translation>无法连接 %1，或对方拒绝了连接：%2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fetched the certificate of %1: it matches the fingerprint you entered.</source>
        <translation>已获取 %1 的证书，与您输入的指纹一致。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 (%2) answered: protocol version %3, round trip %4 ms.</source>
        <translation>%1（%2）已应答：协议版本 %3，往返时间 %4 毫秒。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Warning:</source>
        <translation>警告：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove peer</source>
        <translation>移除合作方</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove %1? It can no longer connect to this workspace, and jobs with it cannot start until it is paired again.</source>
        <translation>移除 %1？移除后它将无法连接本工作区，与它的任务在重新配对前也无法启动。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 was removed.</source>
        <translation>已移除 %1。</translation>
    </message>
</context>
<context>
    <name>PlansPanel</name>
    <message>
        <location filename="../../app/ui/pages/segments/plans.py" line="+96"/>
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created by</source>
        <translation>创建人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Created at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Treated</source>
        <translation>触达组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Control</source>
        <translation>对照组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit rules of this plan</source>
        <translation>编辑该计划的规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finalise…</source>
        <translation>定稿…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export reach lists…</source>
        <translation>导出触达名单…</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>%1 v%2, %3: %4 treated, %5 control. Branches: %6 approved, %7 rejected, %8 pending.</source>
        <translation>%1 v%2，%3：触达组 %4 人，对照组 %5 人。网点：%6 个已批准，%7 个已退回，%8 个待审核。</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Finalise plan</source>
        <translation>计划定稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finalise this plan? Branch lists are frozen; branches that did not answer follow the plan&apos;s rule. This cannot be undone.</source>
        <translation>确定将该计划定稿吗？网点名单将被冻结，未答复的网点按计划规则处理。此操作不可撤销。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The plan is finalised; its reach lists can be exported.</source>
        <translation>计划已定稿，可以导出触达名单。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Export reach lists to</source>
        <translation>将触达名单导出到</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 files written to %2 (%3 app recommendations). Control customers are never exported.</source>
        <translation>已将 %1 个文件写入 %2（App 推荐 %3 条）。对照组客户从不导出。</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <location filename="../../app/ui/pages/data/report.py" line="+92"/>
        <source>Columns to import</source>
        <translation>将导入的列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected rows by reason</source>
        <translation>按原因统计的拒绝行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected rows (file, row, column; values are never shown)</source>
        <translation>被拒绝的行（文件、行、列；从不显示取值）</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+5"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Role</source>
        <translation>用途</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sensitivity</source>
        <translation>敏感级别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Missing</source>
        <translation>缺失率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Distinct</source>
        <translation>不同值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="-2"/>
        <location line="+3"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Nothing was imported: the file was refused as a whole.</source>
        <translation>未导入任何数据：整个文件被拒绝。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Row %1 as read (identifiers masked): %2</source>
        <translation>第 %1 行（标识已遮蔽）：%2</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Validate to see what the import would store.</source>
        <translation>校验后可查看导入将保存哪些数据。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 (%2), dataset %3: %4 rows read, %5 accepted, %6 rejected, %7 exact duplicates dropped.</source>
        <translation>%1（%2），数据集 %3：读取 %4 行，接受 %5 行，拒绝 %6 行，删除完全重复行 %7 行。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 customers have a valid consent now and will be stored; %2 have none and are not imported.</source>
        <translation>%1 位客户当前授权有效，将被保存；%2 位没有有效授权，不予导入。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Consent file %1: %2 rows read, %3 rejected, %4 for other purposes (ignored).</source>
        <translation>授权文件 %1：读取 %2 行，拒绝 %3 行，其他用途 %4 行（已忽略）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not imported (not in the mapping): %1.</source>
        <translation>未导入（不在字段映射中）：%1。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only the first 10,000 rejected rows are listed; all are counted.</source>
        <translation>仅列出前 10,000 个被拒绝的行；全部均已计数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Imported as version %1.</source>
        <translation>已作为第 %1 版导入。</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <location filename="../../app/ui/pages/user_dialogs.py" line="+75"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat password</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set a new password for %1. Give it to them in person; failed sign-in counts are cleared, and they must choose their own at the next sign-in.</source>
        <translation>为 %1 设置新密码，请当面交给对方；失败登录次数将清零，对方下次登录时必须改为自己的密码。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <location filename="../../app/ui/pages/segments/rules.py" line="+140"/>
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Selection</source>
        <translation>选取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exclusions</source>
        <translation>排除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Channels and capacity</source>
        <translation>渠道与容量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Control group</source>
        <translation>对照组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Branch review</source>
        <translation>网点审核</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Campaign ID</source>
        <translation>活动编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>App template ID</source>
        <translation>App 模板编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pitch script</source>
        <translation>话术</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Select</source>
        <translation>选取方式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Per decile</source>
        <translation>按十分位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deciles</source>
        <translation>十分位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Already bound</source>
        <translation>已绑卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacted within</source>
        <translation>近期已联系</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+109"/>
        <source>Custom rules</source>
        <translation>自定义规则</translation>
    </message>
    <message>
        <location line="-108"/>
        <location line="+110"/>
        <source>Channel rules</source>
        <translation>渠道规则</translation>
    </message>
    <message>
        <location line="-110"/>
        <source>Otherwise</source>
        <translation>其余</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weekly capacity</source>
        <translation>每周容量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Per branch</source>
        <translation>分网点设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Weeks</source>
        <translation>周数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Over capacity</source>
        <translation>超出容量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Held out</source>
        <translation>留出比例</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No control</source>
        <translation>不设对照组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Silent branches</source>
        <translation>未答复网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Call sheet columns</source>
        <translation>外呼表字段</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>apply the selection inside each decile</source>
        <translation>在每个十分位内分别选取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>exclude customers already bound</source>
        <translation>排除已绑卡客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>off</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> per branch</source>
        <translation> 人/网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>e.g. BR001=40, BR002=0</source>
        <translation>例如 BR001=40, BR002=0</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One sentence the branch reads to the customer</source>
        <translation>网点对客户说的一句话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>contact everyone selected (needs a reason)</source>
        <translation>联系所有选中客户（需填写原因）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why this plan has no control group</source>
        <translation>该计划不设对照组的原因</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Per-branch capacity: write BRANCH=NUMBER, separated by commas.</source>
        <translation>单独设置网点容量：按 网点=数量 填写，用逗号分隔。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>true or false</source>
        <translation>true 或 false</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, row %2: the value must be %3 (a list separated by commas for &apos;in&apos;).</source>
        <translation>%1 第 %2 行：值必须是%3（&apos;in&apos; 用逗号分隔多个值）。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>A plan without a control group needs a reason.</source>
        <translation>不设对照组的计划必须填写原因。</translation>
    </message>
</context>
<context>
    <name>Segments</name>
    <message>
        <location filename="../../app/ui/pages/segments/common.py" line="-45"/>
        <source>Consent revoked or expired</source>
        <translation>授权已撤回或过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opted out of marketing</source>
        <translation>已退订营销</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Already bound</source>
        <translation>已绑卡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacted recently</source>
        <translation>近期已联系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decile not selected</source>
        <translation>十分位未选中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To contact</source>
        <translation>待联系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Control</source>
        <translation>对照组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Removed by branch</source>
        <translation>网点已移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch rejected</source>
        <translation>网点已退回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Branch did not answer</source>
        <translation>网点未答复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consent withdrawn</source>
        <translation>授权已撤回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In review</source>
        <translation>审核中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finalised</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move the overflow to the app</source>
        <translation>超出部分转入 App</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drop the lowest scores</source>
        <translation>剔除评分最低者</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include them</source>
        <translation>纳入计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exclude them</source>
        <translation>移出计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top N customers</source>
        <translation>前 N 名客户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top % of the eligible</source>
        <translation>符合条件者的前 %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score at least</source>
        <translation>评分不低于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top 20% score</source>
        <translation>评分前 20%</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scored by the joint model</source>
        <translation>联合模型评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Active in the app (30 days)</source>
        <translation>近 30 天活跃于 App</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visited a branch recently</source>
        <translation>近期到访网点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not contacted in 90 days</source>
        <translation>90 天内未联系</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Custom rule %1</source>
        <translation>自定义规则 %1</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <location filename="../../app/ui/pages/segments/page.py" line="+148"/>
        <location line="+5"/>
        <source>Segments</source>
        <translation>目标客群</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Your branch&apos;s part of each campaign plan. Customers appear as a reference and a masked number; the control group is only counted. Take customers off with a reason, then approve or reject the list.</source>
        <translation>各营销计划中本网点的部分。客户以编号和脱敏号码显示，对照组只显示人数。可填写原因移除客户，然后批准或退回名单。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose a scored population, set who is invited through which channel and who is held out as the control group; the counts follow every edit. Branch managers then review their branch&apos;s list before you finalise and export.</source>
        <translation>选择已评分的客群，设定邀请谁、通过哪个渠道、留出谁作为对照组；每次修改后计数随即更新。网点经理审核本网点名单后，由您定稿并导出。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scores of model</source>
        <translation>模型评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score distribution</source>
        <translation>评分分布</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rules and live counts</source>
        <translation>规则与实时计数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plans</source>
        <translation>计划</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create plan</source>
        <translation>创建计划</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as new version of the selected plan</source>
        <translation>另存为所选计划的新版本</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>No scored population is stored yet: train a model on the Training page, then press Score customers there.</source>
        <translation>尚未保存评分客群：请先在“模型训练”页训练模型，再在该页点击“客户评分”。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 customers, %2 branches, scored %3</source>
        <translation>%1 位客户，%2 个网点，评分于 %3</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>A new version of the plan was saved; branch decisions start over.</source>
        <translation>已保存计划的新版本，网点审核重新开始。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The plan was created and is open for branch review.</source>
        <translation>计划已创建，等待网点审核。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The scores this plan was built from are no longer stored.</source>
        <translation>生成该计划所用的评分已不再保存。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>A channel rule of this plan has several conditions; the editor keeps the first of each.</source>
        <translation>该计划的某条渠道规则含多个条件，编辑器只保留每条的第一个条件。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <location filename="../../app/ui/shell.py" line="+31"/>
        <source>✓ done</source>
        <translation>✓ 已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>● ready</source>
        <translation>● 可开始</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>… waiting for an earlier step</source>
        <translation>… 等待前一步</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>⇄ waiting for the partner</source>
        <translation>⇄ 等待合作方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>! proposals to decide</source>
        <translation>! 有待审批的提议</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>● score customers next</source>
        <translation>● 下一步：客户评分</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>⇄ partner to approve scoring</source>
        <translation>⇄ 等待合作方批准评分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>… after %1</source>
        <translation>… 需先完成%1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>not available in this version</source>
        <translation>本版本暂不提供</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change my password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>None of the steps open to your role is available in this version yet.</source>
        <translation>本版本暂未提供您的角色可用的功能步骤。</translation>
    </message>
</context>
<context>
    <name>StartupView</name>
    <message>
        <location filename="../../app/ui/startup/view.py" line="+65"/>
        <source>Joint marketing models without raw data leaving its owner</source>
        <translation>联合建模营销，原始数据不出域</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <location filename="../../app/ui/pages/__init__.py" line="+46"/>
        <source>Consent &amp; data</source>
        <translation>授权与数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Peers</source>
        <translation>合作方</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alignment</source>
        <translation>样本对齐</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training</source>
        <translation>模型训练</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Segments</source>
        <translation>目标客群</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audit</source>
        <translation>审计</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
</context>
<context>
    <name>TaskProgress</name>
    <message>
        <location filename="../../app/ui/kit/progress.py" line="+14"/>
        <source>estimating time left…</source>
        <translation>正在估算剩余时间…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about %1 s left</source>
        <translation>约剩 %1 秒</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>about %1 min %2 s left</source>
        <translation>约剩 %1 分 %2 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about %1 h %2 min left</source>
        <translation>约剩 %1 小时 %2 分</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>TrainingForm</name>
    <message>
        <location filename="../../app/ui/pages/training/form.py" line="+189"/>
        <source>Gradient-boosted trees: usually the most accurate ranking.</source>
        <translation>梯度提升树：排序通常最准确。</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Scorecard: binned features and points per bin, the model a regulator can read.</source>
        <translation>评分卡：特征分箱、每箱分值，监管可读的模型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Validation share (held out for the report)</source>
        <translation>验证集比例（留出用于效果报告）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Advanced</source>
        <translation>高级设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model type</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SecureBoost (trees)</source>
        <translation>SecureBoost（树模型）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scorecard (WOE, logistic regression, points)</source>
        <translation>评分卡（WOE、逻辑回归、分值）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trees</source>
        <translation>树的数量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tree depth</source>
        <translation>树深度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bins per feature</source>
        <translation>每个特征的分箱数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>L2 regularisation</source>
        <translation>L2 正则化</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Minimum child weight</source>
        <translation>最小子节点权重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum leaf size (customers)</source>
        <translation>最小叶节点客户数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Early stopping (rounds, 0 = off)</source>
        <translation>提前停止（轮数，0 = 关闭）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Binning and selection</source>
        <translation>分箱与特征筛选</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Points scale</source>
        <translation>分值刻度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logistic regression (secret-shared)</source>
        <translation>逻辑回归（秘密分享）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fine bins per feature</source>
        <translation>每个特征的初始分箱数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Equal-frequency bins each feature starts with, before neighbouring bins are merged.</source>
        <translation>合并相邻分箱之前，每个特征先按等频切分的箱数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Minimum bin share</source>
        <translation>最小分箱占比</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No merged bin holds a smaller share of the training customers (0.05 = 5%).</source>
        <translation>合并后每个分箱至少包含这一比例的训练客户（0.05 = 5%）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>IV threshold</source>
        <translation>IV 阈值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Features with a lower information value are left out of the scorecard.</source>
        <translation>信息值（IV）低于此值的特征不进入评分卡。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner shows its feature names</source>
        <translation>合作方显示其特征名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Otherwise the bank sees the partner&apos;s features as partner_01, partner_02, …; the partner agrees to this when it approves the job.</source>
        <translation>否则银行只看到 partner_01、partner_02 等代号；合作方批准任务时即同意此项。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Base score</source>
        <translation>基准分</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The points a customer at the base odds gets.</source>
        <translation>处于基准比率的客户得到的分值。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Odds at the base score</source>
        <translation>基准分对应的比率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responders to others at the base score: 1 : 50 means one responder for every 50 customers who do not respond.</source>
        <translation>基准分处响应客户与未响应客户之比：1 : 50 表示每 50 位未响应客户对应 1 位响应客户。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points to double the odds</source>
        <translation>比率翻倍所需分值（PDO）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many more points mean twice the odds of responding.</source>
        <translation>分值每增加多少，响应比率翻一倍。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epochs</source>
        <translation>训练轮数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Passes of the secret-shared regression over the training customers.</source>
        <translation>秘密分享逻辑回归遍历全部训练客户的次数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size (customers)</source>
        <translation>批大小（客户数）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Customers per gradient step: larger batches mean fewer, bigger exchanges with the partner.</source>
        <translation>每次梯度更新使用的客户数：批越大，与合作方的交互次数越少、每次数据量越大。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Regression learning rate</source>
        <translation>回归学习率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The regression&apos;s step size.</source>
        <translation>逻辑回归每步更新的步长。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regression L2 penalty</source>
        <translation>回归 L2 惩罚</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Penalty on the regression&apos;s weights (not the intercept) that keeps points moderate.</source>
        <translation>对回归权重（不含截距）的惩罚，使各分箱分值不致过大。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Regression validation share</source>
        <translation>回归验证集比例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share of the training customers held out to stop the regression early (0 = off).</source>
        <translation>从训练客户中留出、用于提前停止回归的比例（0 = 关闭）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Patience (epochs)</source>
        <translation>耐心值（轮数）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epochs without a better validation loss before the regression stops (0 = the full number of epochs).</source>
        <translation>验证损失连续多少轮未改善即停止回归（0 = 跑满全部轮数）。</translation>
    </message>
    <message>
        <location line="-72"/>
        <source>Validation share (0 only without early stopping)</source>
        <translation>验证集比例（仅在关闭提前停止时可为 0）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>First tree from bank features only</source>
        <translation>第一棵树仅使用银行特征</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Row subsample</source>
        <translation>行采样比例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feature subsample</source>
        <translation>特征采样比例</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Key size (bits)</source>
        <translation>密钥长度（位）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Encryption scheme</source>
        <translation>加密方案</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Paillier</source>
        <translation>Paillier</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Okamoto-Uchiyama (OU)</source>
        <translation>冈本-内山（OU）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Paillier is the default. Okamoto-Uchiyama (OU) trains several times faster with 2048-bit keys; both parties must approve it.</source>
        <translation>默认使用 Paillier。冈本-内山（OU）在 2048 位密钥下训练快数倍；须经双方批准。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No leaf holds fewer customers, so the partner cannot single out a few labels.</source>
        <translation>任何叶节点的客户数都不少于此值，合作方因此无法锁定少数客户的标签。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The first tree uses only the bank&apos;s features, so the partner never sees gradients that equal the labels.</source>
        <translation>第一棵树只使用银行的特征，因此合作方永远看不到等同于标签的梯度。</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../app/ui/pages/training/page.py" line="+127"/>
        <source>Training</source>
        <translation>模型训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train a marketing model on the customers both parties share. The bank&apos;s labels and the partner&apos;s features never leave their owners: the partner works on encrypted gradients, and only the bank sees how good the model is.</source>
        <translation>在双方共有的客户上训练营销模型。银行的标签和合作方的特征都不会离开各自的所有者：合作方只处理加密的梯度，且只有银行能看到模型效果。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set up</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alignment</source>
        <translation>样本对齐</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Our features</source>
        <translation>我方特征数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partner&apos;s features</source>
        <translation>合作方特征数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only used for the time estimate; the partner&apos;s count is not known before the job.</source>
        <translation>仅用于估算耗时；任务开始前无法得知合作方的特征数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Estimate duration</source>
        <translation>估算耗时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Propose</source>
        <translation>发起提议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score customers</source>
        <translation>客户评分</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scores every eligible customer with the chosen model and the partner&apos;s features (the partner approves the job); the Segments page plans campaigns from the scores.</source>
        <translation>用所选模型和合作方特征为每位符合条件的客户评分（需合作方批准该任务）；“目标客群”页据此策划营销活动。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>%1 · %2 · %3 shared · %4</source>
        <translation>%1 · %2 · 共有 %3 · %4</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Align with the peer first: training needs a finished alignment.</source>
        <translation>请先与合作方完成样本对齐：训练需要一个已完成的对齐。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Training with %1: tree %2 of %3</source>
        <translation>正在与 %1 训练：第 %2 棵树，共 %3 棵</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Training cancelled before the first tree finished, so there is nothing to keep. Run asks %1 to approve starting again.</source>
        <translation>训练已在第一棵树完成前取消，没有可保留的内容。点击“运行”将请 %1 批准重新开始。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training cancelled. The %2 finished trees are kept; Run asks %1 to approve resuming from tree %3.</source>
        <translation>训练已取消。已完成的 %2 棵树会保留；点击“运行”将请 %1 批准从第 %3 棵树继续。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scoring cancelled; no scores were stored. Score customers runs it again.</source>
        <translation>评分已取消，未保存任何评分。点击“客户评分”可重新运行。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Scoring proposed to the partner; waiting for its users to approve it in their Jobs inbox…</source>
        <translation>已向合作方提议评分；正在等待其用户在“任务”收件箱中批准…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The partner has not approved the scoring job yet; it waits in its Jobs inbox. Press Score customers again once it is approved.</source>
        <translation>合作方尚未批准评分任务，该任务在其“任务”收件箱中等待。批准后请再次点击“客户评分”。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scored %1 customers: %2 with the partner&apos;s features, %3 from the bank&apos;s data alone (not shared with the partner). The Segments page can plan from these scores.</source>
        <translation>已为 %1 位客户评分：%2 位使用了合作方特征，%3 位仅用银行自有数据（不与合作方共享）。“目标客群”页可据此策划。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Measuring this machine&apos;s encryption speed…</source>
        <translation>正在测量本机的加密速度…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>About %1 on this machine for %2 customers, %3 bank features, %4 partner features and %5 trees with %6 encryption (most of the time goes to encryption).</source>
        <translation>在本机上约需 %1（%2 位客户、%3 个银行特征、%4 个合作方特征、%5 棵树，%6 加密；大部分时间用于加密运算）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Proposal sent to %1; waiting for its users to decide in their Jobs inbox…</source>
        <translation>提议已发送给 %1，正在等待其用户在“任务”收件箱中做出决定…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Agreeing the customers and generating keys…</source>
        <translation>正在确认参与客户并生成密钥…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Crypto work: Dask cluster at %1, %2 workers</source>
        <translation>加密计算：Dask 集群 %1，%2 个工作进程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Crypto work: Dask cluster at %1</source>
        <translation>加密计算：Dask 集群 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Crypto work: %1 worker processes on this computer</source>
        <translation>加密计算：本机 %1 个工作进程</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Tree %1 of %2 done</source>
        <translation>已完成第 %1 棵树，共 %2 棵</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 approved the training. Run it when you are ready.</source>
        <translation>%1 已批准训练任务。准备好后即可运行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 rejected the training.</source>
        <translation>%1 拒绝了训练任务。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The training job is %2.</source>
        <translation>训练任务状态：%2。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Finished: %1 trees on %2 customers.</source>
        <translation>已完成：在 %2 位客户上训练了 %1 棵树。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Training finished and the model is stored. Next: Score customers, so the Segments page can plan from it.</source>
        <translation>训练完成，模型已保存。下一步：客户评分，以便“目标客群”页据此策划。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training finished and the model is stored.</source>
        <translation>训练完成，模型已保存。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Plans now start from %1, on bank features only: %2 eligible customers scored.</source>
        <translation>方案现在基于 %1（仅银行特征）：已为 %2 名合格客户评分。</translation>
    </message>
    <message>
        <location line="-183"/>
        <source>failed; Run resumes from the last finished tree</source>
        <translation>失败；点击“运行”将从最后完成的树继续</translation>
    </message>
</context>
<context>
    <name>TrainingResults</name>
    <message>
        <location filename="../../app/ui/pages/training/results.py" line="+83"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the bank-only model</source>
        <translation>改用仅银行特征的模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scores every eligible customer with the model on bank features only and plans start from it; nothing is sent to the partner.</source>
        <translation>用仅基于银行特征的模型为所有合格客户评分，方案以它为准；不向合作方发送任何数据。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ROC curve</source>
        <translation>ROC 曲线</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lift and gains by decile</source>
        <translation>按十分位的提升度与捕获率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feature importance</source>
        <translation>特征重要性</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Validation AUC, federated</source>
        <translation>验证集 AUC（联合模型）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Validation AUC, bank features only</source>
        <translation>验证集 AUC（仅银行特征）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decile</source>
        <translation>十分位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Customers</source>
        <translation>客户数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Response rate</source>
        <translation>响应率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lift</source>
        <translation>提升度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cumulative gains</source>
        <translation>累计捕获率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feature</source>
        <translation>特征</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Importance</source>
        <translation>重要性</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Our feature</source>
        <translation>我方特征</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Splits using it</source>
        <translation>使用该特征的分裂次数</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 trees on %2 customers; measured on %3 validation customers the model never trained on.</source>
        <translation>在 %2 位客户上训练了 %1 棵树；效果在模型从未训练过的 %3 位验证客户上测得。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>On the validation customers the federated model is worse than the model on bank features only, beyond chance. Use the bank-only model for this campaign, or retrain with other partner features.</source>
        <translation>在验证客户上，联合模型不如仅用银行特征的模型，且差距超出随机波动。本次营销请使用仅银行特征的模型，或换用其他合作方特征重新训练。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Partner features did not change the validation AUC beyond chance; the bank-only model is as good on these customers.</source>
        <translation>合作方特征没有使验证集 AUC 产生超出随机波动的变化；在这些客户上，仅银行特征的模型同样好。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Partner features improve the validation AUC beyond chance.</source>
        <translation>合作方特征使验证集 AUC 的提升超出了随机波动。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Partner feature #%1</source>
        <translation>合作方特征 #%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>ROC on validation customers</source>
        <translation>验证客户上的 ROC 曲线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Federated</source>
        <translation>联合模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bank features only</source>
        <translation>仅银行特征</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chance</source>
        <translation>随机</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>False positive rate</source>
        <translation>假阳性率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>True positive rate</source>
        <translation>真阳性率</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>How often the trees split on each of our features (the bank sees these only as anonymous numbers).</source>
        <translation>各棵树在我方每个特征上分裂的次数（银行只能看到匿名编号）。</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../app/ui/pages/users.py" line="+41"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Administrators, analysts and branch managers of this workspace. Every change is recorded in the audit chain.</source>
        <translation>本工作区的管理员、分析师和网点经理。每项变更都会记入审计链。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Branch</source>
        <translation>网点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add user…</source>
        <translation>添加用户…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>User %1 was added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>User %1 can sign in again.</source>
        <translation>用户 %1 已可重新登录。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>User %1 is disabled and can no longer sign in.</source>
        <translation>用户 %1 已停用，无法再登录。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The password of %1 was reset.</source>
        <translation>已重置 %1 的密码。</translation>
    </message>
</context>
</TS>
