<?xml version="1.0" encoding="UTF-8"?>
<!--
  Benchmark yardstick: the nb-gpp mapping (Mappings/systems/nb-gpp.yaml) written as XSLT 1.0 for xsltproc.
  One JSON-ish line per 公告 (hub record) and one per 当事人 of a 行政处罚 (credit record), with the same
  field extraction and yyyy年M月d日 → yyyy-MM-dd date reformatting (substring-before/after). Deliberately
  left out, so this is a lower bound on the work: string escaping, code-list lookups, amount normalisation
  (万元 → 元), USCC check digits, working-day deadlines, record-id hashing, versioning.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:strip-space elements="*"/>

  <xsl:variable name="batch" select="/child::采购信息批次/@批次号"/>

  <xsl:template match="/">
    <xsl:for-each select="/child::采购信息批次/公告">
      <xsl:call-template name="hub"/>
      <xsl:if test="公告类型 = '行政处罚' or 公告类型 = '不良行为记录'">
        <xsl:for-each select="处罚信息/当事人">
          <xsl:call-template name="credit"/>
        </xsl:for-each>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- yyyy年M月d日 → yyyy-MM-dd -->
  <xsl:template name="date">
    <xsl:param name="text"/>
    <xsl:variable name="after-year" select="substring-after($text, '年')"/>
    <xsl:value-of select="substring-before($text, '年')"/>
    <xsl:text>-</xsl:text>
    <xsl:value-of select="format-number(substring-before($after-year, '月'), '00')"/>
    <xsl:text>-</xsl:text>
    <xsl:value-of select="format-number(substring-before(substring-after($after-year, '月'), '日'), '00')"/>
  </xsl:template>

  <xsl:template name="field">
    <xsl:param name="name"/>
    <xsl:param name="value"/>
    <xsl:if test="string($value) != ''">
      <xsl:text>,"</xsl:text><xsl:value-of select="$name"/><xsl:text>":"</xsl:text>
      <xsl:value-of select="$value"/><xsl:text>"</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template name="party">
    <xsl:param name="role"/>
    <xsl:text>{"role":"</xsl:text><xsl:value-of select="$role"/>
    <xsl:text>","name":"</xsl:text><xsl:value-of select="名称"/>
    <xsl:text>","uscc":"</xsl:text><xsl:value-of select="统一社会信用代码"/><xsl:text>"}</xsl:text>
  </xsl:template>

  <xsl:template name="hub">
    <xsl:variable name="penalty" select="公告类型 = '行政处罚'"/>
    <xsl:text>{"hubRecord":{"source":{"system":"nb-gpp","batchId":"</xsl:text><xsl:value-of select="$batch"/>
    <xsl:text>","recordId":"</xsl:text><xsl:value-of select="公告编号"/>
    <xsl:text>"},"action":"</xsl:text>
    <xsl:choose>
      <xsl:when test="@操作 = '更正'">correct</xsl:when>
      <xsl:when test="@操作 = '撤回'">withdraw</xsl:when>
      <xsl:otherwise>publish</xsl:otherwise>
    </xsl:choose>
    <xsl:text>","domain":"PROCUREMENT","itemType":"</xsl:text><xsl:value-of select="公告类型"/><xsl:text>"</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'regionCode'"/><xsl:with-param name="value" select="行政区划"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'projectCode'"/><xsl:with-param name="value" select="项目编号"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'projectName'"/><xsl:with-param name="value" select="项目名称"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'title'"/><xsl:with-param name="value" select="公告标题"/></xsl:call-template>
    <xsl:if test="形成日期">
      <xsl:text>,"formedOn":"</xsl:text><xsl:call-template name="date"><xsl:with-param name="text" select="形成日期"/></xsl:call-template><xsl:text>"</xsl:text>
    </xsl:if>
    <xsl:if test="发布日期">
      <xsl:text>,"publishedOn":"</xsl:text><xsl:call-template name="date"><xsl:with-param name="text" select="发布日期"/></xsl:call-template><xsl:text>"</xsl:text>
    </xsl:if>
    <xsl:text>,"decision":"</xsl:text>
    <xsl:choose><xsl:when test="$penalty">penalty</xsl:when><xsl:otherwise>none</xsl:otherwise></xsl:choose>
    <xsl:text>","responsible":</xsl:text>
    <xsl:choose>
      <xsl:when test="$penalty">
        <xsl:for-each select="处罚信息/处罚机关"><xsl:call-template name="party"><xsl:with-param name="role" select="'处罚机关'"/></xsl:call-template></xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <xsl:for-each select="采购人"><xsl:call-template name="party"><xsl:with-param name="role" select="'采购人'"/></xsl:call-template></xsl:for-each>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="代理机构 or 成交供应商 or 处罚信息/当事人">
      <xsl:text>,"parties":[</xsl:text>
      <xsl:for-each select="代理机构 | 成交供应商 | 处罚信息/当事人">
        <xsl:if test="position() &gt; 1">,</xsl:if>
        <xsl:call-template name="party"><xsl:with-param name="role" select="local-name()"/></xsl:call-template>
      </xsl:for-each>
      <xsl:text>]</xsl:text>
    </xsl:if>
    <xsl:if test="预算金额 or 成交供应商/成交金额">
      <xsl:text>,"amounts":[</xsl:text>
      <xsl:for-each select="预算金额 | 成交供应商/成交金额">
        <xsl:if test="position() &gt; 1">,</xsl:if>
        <xsl:text>{"kind":"</xsl:text>
        <xsl:choose><xsl:when test="self::预算金额">budget</xsl:when><xsl:otherwise>dealAmount</xsl:otherwise></xsl:choose>
        <xsl:text>","value":"</xsl:text><xsl:value-of select="translate(., ',', '')"/>
        <xsl:text>","unit":"</xsl:text><xsl:value-of select="@单位"/><xsl:text>"}</xsl:text>
      </xsl:for-each>
      <xsl:text>]</xsl:text>
    </xsl:if>
    <xsl:if test="采购方式">
      <xsl:text>,"fields":{"procurementMethod":"</xsl:text><xsl:value-of select="采购方式"/><xsl:text>"}</xsl:text>
    </xsl:if>
    <xsl:if test="附件">
      <xsl:text>,"documents":[</xsl:text>
      <xsl:for-each select="附件">
        <xsl:if test="position() &gt; 1">,</xsl:if>
        <xsl:text>{"name":"</xsl:text><xsl:value-of select="@名称"/><xsl:text>","url":"</xsl:text><xsl:value-of select="@地址"/><xsl:text>"}</xsl:text>
      </xsl:for-each>
      <xsl:text>]</xsl:text>
    </xsl:if>
    <xsl:text>}}&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="credit">
    <xsl:variable name="info" select=".."/>
    <xsl:variable name="record" select="../.."/>
    <xsl:text>{"creditRecord":{"source":{"system":"nb-gpp","batchId":"</xsl:text><xsl:value-of select="$batch"/>
    <xsl:text>","recordId":"</xsl:text><xsl:value-of select="$record/公告编号"/>
    <xsl:text>"},"recordKind":"</xsl:text>
    <xsl:choose><xsl:when test="$record/公告类型 = '行政处罚'">penalty</xsl:when><xsl:otherwise>dishonesty</xsl:otherwise></xsl:choose>
    <xsl:text>","regionCode":"</xsl:text><xsl:value-of select="$record/行政区划"/><xsl:text>"</xsl:text>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_XDR_MC'"/><xsl:with-param name="value" select="名称"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_XDR_LB'"/><xsl:with-param name="value" select="@类型"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_XDR_SHXYM'"/><xsl:with-param name="value" select="统一社会信用代码"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_FRDB'"/><xsl:with-param name="value" select="法定代表人"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_XDR_ZJLX'"/><xsl:with-param name="value" select="证件类型"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_XDR_ZJHM'"/><xsl:with-param name="value" select="证件号码"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_WSH'"/><xsl:with-param name="value" select="$info/决定书文号"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_WFXW'"/><xsl:with-param name="value" select="$info/违法行为类型"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_SY'"/><xsl:with-param name="value" select="$info/违法事实"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_YJ'"/><xsl:with-param name="value" select="$info/处罚依据"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_CFLB'"/><xsl:with-param name="value" select="$info/处罚类别"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_NR'"/><xsl:with-param name="value" select="$info/处罚内容"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_NR_FK'"/><xsl:with-param name="value" select="translate($info/罚款金额, ',', '')"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_NR_WFFF'"/><xsl:with-param name="value" select="translate($info/没收金额, ',', '')"/></xsl:call-template>
    <xsl:if test="$info/处罚决定日期">
      <xsl:text>,"CF_JDRQ":"</xsl:text><xsl:call-template name="date"><xsl:with-param name="text" select="$info/处罚决定日期"/></xsl:call-template><xsl:text>"</xsl:text>
    </xsl:if>
    <xsl:if test="$info/处罚有效期">
      <xsl:text>,"CF_YXQ":"</xsl:text><xsl:call-template name="date"><xsl:with-param name="text" select="$info/处罚有效期"/></xsl:call-template><xsl:text>"</xsl:text>
    </xsl:if>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_CFJG'"/><xsl:with-param name="value" select="$info/处罚机关/名称"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_CFJGDM'"/><xsl:with-param name="value" select="$info/处罚机关/统一社会信用代码"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_SJLY'"/><xsl:with-param name="value" select="$info/处罚机关/名称"/></xsl:call-template>
    <xsl:call-template name="field"><xsl:with-param name="name" select="'CF_SJLYDM'"/><xsl:with-param name="value" select="$info/处罚机关/统一社会信用代码"/></xsl:call-template>
    <xsl:text>}}&#10;</xsl:text>
  </xsl:template>
</xsl:stylesheet>
