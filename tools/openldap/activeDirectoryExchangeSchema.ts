/**
 * The Active Directory / Exchange schema slice the test and demo directory carries (slapd.conf
 * schema syntax), kept as a module so it travels with the compiled code; startOpenLdap writes it
 * next to the server's configuration.
 */
export const ACTIVE_DIRECTORY_EXCHANGE_SCHEMA = `# A small slice of the Active Directory and Exchange 2003/2007 schema, enough for the staged
# migration's on-premises directory connector to be tested against a real OpenLDAP.
#
# TEST OIDs ONLY. Every OID below sits under 1.3.6.1.4.1.32473, the enterprise number that
# RFC 5612 reserves for documentation and examples; none of them is Microsoft's real OID (those
# live under 1.2.840.113556). Names, syntaxes, matching rules and single/multi-valuedness follow
# the Active Directory schema reference, so filters behave as they do against a domain controller:
# proxyAddresses, like every AD Unicode string, matches case-insensitively, which is why
# "(proxyAddresses=SMTP:x)" also finds the secondary "smtp:x" and the connector must check the
# prefix itself.
#
# Arcs: 1.3.6.1.4.1.32473.1.1.x attribute types, 1.3.6.1.4.1.32473.1.2.x object classes.

objectidentifier TestArc 1.3.6.1.4.1.32473.1
objectidentifier TestAttr TestArc:1
objectidentifier TestClass TestArc:2

attributetype ( TestAttr:1 NAME 'sAMAccountName'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:2 NAME 'userPrincipalName'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:3 NAME 'proxyAddresses'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )

attributetype ( TestAttr:4 NAME 'targetAddress'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:5 NAME 'legacyExchangeDN'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:6 NAME 'homeMDB'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 SINGLE-VALUE )

attributetype ( TestAttr:7 NAME 'homeMTA'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 SINGLE-VALUE )

attributetype ( TestAttr:8 NAME 'msExchHomeServerName'
	EQUALITY caseIgnoreMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:9 NAME 'mailNickname'
	EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )

attributetype ( TestAttr:10 NAME 'msExchMailboxGuid'
	EQUALITY octetStringMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )

attributetype ( TestAttr:11 NAME 'msExchRecipientTypeDetails'
	EQUALITY integerMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )

attributetype ( TestAttr:12 NAME 'msExchRecipientDisplayType'
	EQUALITY integerMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )

attributetype ( TestAttr:13 NAME 'showInAddressBook'
	EQUALITY distinguishedNameMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )

attributetype ( TestAttr:14 NAME 'mDBUseDefaults'
	EQUALITY booleanMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )

attributetype ( TestAttr:15 NAME 'msExchMailboxSecurityDescriptor'
	EQUALITY octetStringMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )

attributetype ( TestAttr:16 NAME 'msExchUserAccountControl'
	EQUALITY integerMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )

attributetype ( TestAttr:17 NAME 'msExchPoliciesIncluded'
	EQUALITY caseIgnoreMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )

attributetype ( TestAttr:18 NAME 'msExchPoliciesExcluded'
	EQUALITY caseIgnoreMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )

# In Active Directory 'user' is structural under organizationalPerson; here it extends
# inetOrgPerson so the standard OpenLDAP schemas supply cn, sn, mail and userPassword.
objectclass ( TestClass:1 NAME 'user'
	SUP inetOrgPerson STRUCTURAL
	MAY ( sAMAccountName $ userPrincipalName $ proxyAddresses $ targetAddress $
		legacyExchangeDN $ homeMDB $ homeMTA $ msExchHomeServerName $ mailNickname $
		msExchMailboxGuid $ msExchRecipientTypeDetails $ msExchRecipientDisplayType $
		showInAddressBook $ mDBUseDefaults $ msExchMailboxSecurityDescriptor $
		msExchUserAccountControl $ msExchPoliciesIncluded $ msExchPoliciesExcluded ) )
`;
