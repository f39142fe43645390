<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that Qt's qtbase_fr.qm (Qt 6.12) leaves in English: the labels of the non-native file
     dialog, which carry a mnemonic the French catalogue lacks.  Compiled to qtbase_fr_extra.qm by
     scripts/update_translations.sh; installed after qtbase_fr by app/ui/shell/i18n.py. -->
<TS version="2.1" language="fr_FR" sourcelanguage="en_US">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Voir dans&#xa0;:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>Fichiers de &amp;type&#xa0;:</translation>
    </message>
</context>
</TS>
