/*
 * reasons.c - the table of codes with their labels and explanations (reasons.h).
 *
 * The exclusions' English texts say what docs/rules.md N4's last column says; the reasons
 * suite checks that docs/formats.md lists every entry as written here.
 */
#include "reasons.h"

#include <stdio.h>
#include <string.h>

#include "wareki.h"

static const reason_entry entries[] = {
    /* N4 exclusion reasons, in the order of precedence (select_reason) */
    {REASON_GROUP_EXCLUSION, "bad_data", "data error", "データ不備",
     "a date cannot be right, so whether the certificate is due cannot be known: reported "
     "every night until the data is fixed",
     "日付に誤りがあり期限を判定できません。データを訂正するまで毎晩報告されます"},
    {REASON_GROUP_EXCLUSION, "not_resident", "no longer resident", "除票",
     "removed from the register (除票: death or moving out): nothing to send",
     "除票（死亡・転出）のため送付しません"},
    {REASON_GROUP_EXCLUSION, "card_invalid", "card not valid", "カードが無効",
     "the card is revoked, expired or not recorded, or it is a 住基カード certificate: the card, "
     "not the certificate, needs attention",
     "カードの廃止・期限切れ・記録なし、または住基カードの電子証明書です。証明書ではなくカード"
     "の確認が必要です"},
    {REASON_GROUP_EXCLUSION, "revoked", "certificate revoked", "電子証明書の失効",
     "the certificate was revoked: nothing to renew",
     "電子証明書が失効しているため更新はありません"},
    {REASON_GROUP_EXCLUSION, "sign_void_change", "void by a change", "記載事項の変更による失効",
     "name, address, birth date or sex changed after the signature certificate's issue: the "
     "resident needs a new issue, not a renewal",
     "署名用電子証明書の発行後に氏名・住所・生年月日・性別が変わりました。更新ではなく新規の"
     "発行が必要です"},
    {REASON_GROUP_EXCLUSION, "renewed", "already renewed", "更新済み",
     "a newer certificate of the same type is in force", "同じ種類の新しい電子証明書が有効です"},
    {REASON_GROUP_EXCLUSION, "sign_not_allowed", "signature certificate not allowed",
     "署名用電子証明書の対象外",
     "held by someone under 15 at its issue or by an adult ward (成年被後見人): a data "
     "anomaly to check",
     "発行時に15歳未満、または成年被後見人です。データを確認してください"},
    {REASON_GROUP_EXCLUSION, "stay_period", "period of stay ends", "在留期間の満了",
     "the expiry is the end of the period of stay: the resident extends the stay first; "
     "listed for a different letter",
     "有効期限が在留期間の満了日です。先に在留期間の更新が必要なため、別の案内の対象です"},
    {REASON_GROUP_EXCLUSION, "lives_elsewhere", "lives elsewhere (居所)", "居所あり",
     "a place of residence (居所) other than the registered address: not mailed",
     "住民票の住所とは別に居所があるため郵送しません"},
    {REASON_GROUP_EXCLUSION, "recent_mover", "recent mover", "転入・転居から間もない",
     "moved in or within the city in the last months before the expiry (mover_months, 6 by "
     "default): the notice may not arrive; listed for the counter's follow-up",
     "有効期限前の一定期間（mover_months、既定は6か月）に転入・転居しました。通知が届かない"
     "おそれがあるため窓口で確認します"},
    {REASON_GROUP_EXCLUSION, "returned_mail", "returned mail", "返戻",
     "a notice came back from this address: held back until the address changes",
     "この住所あての通知書が返戻されました。住所が変わるまで送付を止めます"},
    {REASON_GROUP_EXCLUSION, "undeliverable", "undeliverable", "宛先不備",
     "no usable postal code or address, or it does not fit the envelope window: address the "
     "letter by hand, or fix the data",
     "郵便番号・住所がない、または窓あき封筒に収まりません。宛名を手書きするか、データを訂正し"
     "てください"},
    {REASON_GROUP_EXCLUSION, "glyph_missing", "character cannot be printed", "印刷できない文字",
     "the name or address holds a character the fonts cannot print (外字): the clerk writes "
     "the letter by hand",
     "氏名・住所にフォントで印刷できない文字（外字など）があります。手書きで作成してください"},
    /* findings */
    {REASON_GROUP_FINDING, "recorded_mismatch", "recorded expiry differs", "有効期限の相違",
     "the expiry recorded in the data differs from the one the rules compute",
     "データに記録された有効期限と、規則から算出した有効期限が異なります"},
    /* expiry causes */
    {REASON_GROUP_CAUSE, "birthday", "birthday", "誕生日",
     "the fifth birthday after issue (docs/rules.md E1)", "発行後5回目の誕生日"},
    {REASON_GROUP_CAUSE, "card", "card expiry", "カードの有効期限", "capped by the card's expiry",
     "カードの有効期限まで"},
    {REASON_GROUP_CAUSE, "auth_cert", "user certificate", "利用者証明用電子証明書",
     "capped by the card's user certificate", "利用者証明用電子証明書の有効期限まで"},
    {REASON_GROUP_CAUSE, "stay_period", "period of stay", "在留期間",
     "capped by the end of the period of stay", "在留期間の満了日まで"},
    {REASON_GROUP_CAUSE, "recorded", "recorded", "記録による", "the expiry recorded in the data",
     "データに記録された有効期限"},
    {REASON_GROUP_CAUSE, "term", "term", "期間", "the certificate's fixed term",
     "電子証明書の有効期間"},
    /* moves */
    {REASON_GROUP_MOVE, "in", "moved in (転入)", "転入", "moved into the city", "市外からの転入"},
    {REASON_GROUP_MOVE, "within", "moved within (転居)", "転居", "moved within the city",
     "市内での転居"},
    /* form statuses (the Forms sheet, D44) */
    {REASON_GROUP_FORM_STATUS, "outstanding", "outstanding", "未回答", "not answered yet",
     "まだ回答がありません"},
    {REASON_GROUP_FORM_STATUS, "returned", "returned", "回答済み", "the holder's answer came back",
     "本人の回答が返送されました"},
    {REASON_GROUP_FORM_STATUS, "undeliverable", "undeliverable", "不達",
     "the post office could not deliver it", "郵便局から配達できずに戻りました"},
    {REASON_GROUP_FORM_STATUS, "expired", "expired", "期限切れ",
     "an enclosed form past its validity", "同封した照会書の有効期限が過ぎました"},
    {REASON_GROUP_FORM_STATUS, "overdue", "overdue", "回答遅延",
     "an inquiry not answered within form_overdue_days",
     "form_overdue_days日を過ぎても回答がありません"},
    {REASON_GROUP_FORM_STATUS, "void (reissued)", "void (reissued)", "無効（再発行）",
     "replaced by a reissued form", "再発行した照会書に置き換えられました"},
    /* certificate types (the workbook's type columns, D160) */
    {REASON_GROUP_CERT_TYPE, "sign", "signature certificate", "署名用電子証明書",
     "signs electronic applications (e-Tax and the like)",
     "電子申請（e-Taxなど）の署名に使う電子証明書"},
    {REASON_GROUP_CERT_TYPE, "auth", "user certificate", "利用者証明用電子証明書",
     "proves who logs in (マイナポータル, convenience-store copies)",
     "ログイン（マイナポータル、コンビニ交付など）の本人確認に使う電子証明書"},
    {REASON_GROUP_CERT_TYPE, "juki", "Juki card certificate", "住基カードの電子証明書",
     "a certificate on a 住民基本台帳カード (older data)",
     "住民基本台帳カード（住基カード）に記録された電子証明書（以前のデータ）"},
};

#define ENTRY_COUNT (sizeof(entries) / sizeof(entries[0]))

const reason_entry *reasons_all(size_t *count)
{
    *count = ENTRY_COUNT;
    return entries;
}

const reason_entry *reasons_exclusion(int index)
{
    if (index < 0 || index >= REASONS_EXCLUSIONS)
        return NULL;
    return &entries[index];
}

const reason_entry *reasons_find(reason_group group, const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t idx = 0; idx < ENTRY_COUNT; idx++)
        if (entries[idx].group == group && strcmp(entries[idx].code, code) == 0)
            return &entries[idx];
    return NULL;
}

const char *reasons_label(reason_group group, const char *code, kg_language language)
{
    const reason_entry *entry = reasons_find(group, code);
    if (entry == NULL)
        return code != NULL ? code : "";
    return language == KG_LANG_JA ? entry->label_ja : entry->label_en;
}

const char *reasons_explanation(reason_group group, const char *code, kg_language language)
{
    const reason_entry *entry = reasons_find(group, code);
    if (entry == NULL)
        return "";
    return language == KG_LANG_JA ? entry->explain_ja : entry->explain_en;
}

const char *reasons_text(kg_language language, const char *msgid)
{
    return language == KG_LANG_JA ? gettext(msgid) : msgid;
}

const char *reasons_date(kg_language language, kdate day, char buf[REASONS_DATE_SIZE])
{
    if (language == KG_LANG_JA && wareki_format(day, buf, REASONS_DATE_SIZE) == KG_OK)
        return buf;
    char iso[KDATE_ISO_LEN + 1];
    snprintf(buf, REASONS_DATE_SIZE, "%s", kdate_format(day, iso));
    return buf;
}
