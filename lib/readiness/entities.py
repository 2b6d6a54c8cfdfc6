"""What the loader knows about each Autotask entity: field kinds, key columns, header synonyms, picklists.

Field names are Autotask REST names. Kinds are decided by an explicit table where REST naming is not
enough, and otherwise by REST naming conventions (``...ID`` is an id, ``is...`` a flag, ``...Date`` a date),
so fields added to the API after this table was written still load with the right type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

ID, PICK, BOOL, DATE, NUM, TEXT = "id", "picklist", "bool", "date", "number", "text"


def fold(text: str) -> str:
    """Case, space and punctuation folded key used to match headers and labels ("Contract Name" -> "contractname")."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def fold_series(s):
    """`fold` for a whole column at once; missing values become ""."""
    return s.astype("string").str.lower().str.replace(r"[^a-z0-9]", "", regex=True).fillna("")


@dataclass(frozen=True)
class Entity:
    """One loadable entity: REST plural name, singular name, key columns, picklists and header synonyms."""

    name: str
    singular: str
    required: tuple[str, ...] = ("id",)
    picklists: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)  # folded header -> field
    kinds: dict[str, str] = field(default_factory=dict)  # explicit kinds that naming would get wrong
    name_refs: dict[str, str] = field(default_factory=dict)  # id field -> entity whose name a grid shows instead
    key: str = "id"


# Numbers whose names do not say so. Everything else non-id, non-flag, non-date is text.
NUMBER_FIELDS = {
    "setupFee", "overageBillingRate", "estimatedCost", "estimatedHours", "estimatedRevenue", "internalCurrencySetupFee",
    "internalCurrencyOverageBillingRate", "unitPrice", "unitCost", "adjustedPrice", "internalCurrencyAdjustedPrice",
    "internalCurrencyUnitPrice", "units", "price", "cost", "internalCurrencyPrice", "hours", "hourlyRate", "hoursApproved",
    "amount", "amountApproved", "internalCurrencyAmount", "ticketsPurchased", "ticketsUsed", "perTicketRate",
    "blockHourMultiplier", "contractHourlyRate", "internalCurrencyContractHourlyRate", "unitQuantity", "extendedCost",
    "billableAmount", "internalCurrencyBillableAmount", "minimumUnits", "maximumUnits", "dailyProratedPrice",
    "dailyProratedCost", "hourlyFactor", "internalCost", "markupRate", "msrp", "hoursWorked", "hoursToBill",
    "offsetHours", "quantity", "rate", "extendedPrice", "totalAmount", "ourCost", "invoiceTotal", "totalTaxValue",
    "percentageDiscount", "unitDiscount", "periodPrice", "periodCost", "numberOfUsers", "monthlyCost", "dailyCost",
    "hourlyCost", "perUseCost", "travelAvailabilityPct", "assetValue", "surveyCompanyRating", "hoursToBeScheduled",
    "surveyResourceRating", "rmmOpenAlertCount", "totalPrice", "totalCost", "unitChange", "adjustedUnitPrice",
    "adjustedUnitCost", "amountPaid", "technicians",
}
BOOL_FIELDS = {"active", "primaryContact", "nonBillable", "receivesEmailNotifications", "solicitationOptOut",
               "surveyOptOut", "createChargesAsBillable", "includeItemsInChargeDescription", "showOnInvoice",
               "allowRepeatService", "doesNotRequireProcurement", "serviceLevelAgreementHasBeenMet"}
DATE_FIELDS = {"last_triggered", "last_modified", "dateWorked", "datePurchased", "dateDue", "hireDate", "installDate",
               "warrantyExpirationDate", "approveAndPostDate", "effectiveDate", "expirationDate", "postedDate",
               "itemDate", "dueDate", "fromDate", "toDate", "paidDate", "voidedDate", "periodDate", "webServiceDate"}
TEXT_FIELDS = {"apiVendorID", "externalID", "rmmDeviceID", "rmmDeviceUID", "accountingReferenceID", "taxID",
               "rmmAlertID", "monitorID", "problemTicketId", "invoiceNumber", "paymentNumber", "purchaseOrderNumber",
               "serialNumber", "referenceNumber", "ticketNumber", "contractNumber", "companyNumber", "sku"}

_COMPANY = {"organization": "companyID", "organisation": "companyID", "account": "companyID", "client": "companyID",
            "customer": "companyID", "company": "companyID", "organizationid": "companyID",
            "organisationid": "companyID", "accountid": "companyID", "clientid": "companyID",
            "customerid": "companyID", "organizationname": "companyID", "accountname": "companyID",
            "clientname": "companyID", "customername": "companyID", "companyname": "companyID"}
_CONTRACT_CHILD = {"contract": "contractID", "contractname": "contractID"}


def _e(name, singular, required=("id",), picklists=(), synonyms=None, kinds=None, name_refs=None, key="id"):
    return Entity(name, singular, tuple(required), tuple(picklists), dict(synonyms or {}), dict(kinds or {}),
                  dict(name_refs or {}), key)


ENTITIES: dict[str, Entity] = {e.name: e for e in [
    _e("Companies", "Company", ("id", "companyName"), ("companyType", "classification", "marketSegmentID", "territoryID"),
       {"organization": "companyName", "organisation": "companyName", "account": "companyName",
        "client": "companyName", "customer": "companyName", "name": "companyName", "organizationname": "companyName",
        "organisationname": "companyName", "accountname": "companyName", "clientname": "companyName",
        "customername": "companyName", "organizationid": "id", "organisationid": "id", "accountid": "id",
        "clientid": "id", "customerid": "id", "active": "isActive", "type": "companyType",
        "organizationtype": "companyType", "accounttype": "companyType", "clienttype": "companyType",
        "parentorganization": "parentCompanyID", "parentaccount": "parentCompanyID"}),
    _e("Contacts", "Contact", ("id", "companyID"), (),
       {**_COMPANY, "contactid": "id", "email": "emailAddress", "emailaddress": "emailAddress", "active": "isActive",
        "email1": "emailAddress", "primaryemail": "emailAddress"},
       {"isActive": BOOL}, {"companyID": "Companies"}),
    _e("Resources", "Resource", ("id",), ("userType", "licenseType", "locationID"),
       {"resourceid": "id", "securitylevel": "userType", "active": "isActive", "emailaddress": "email",
        "license": "licenseType", "licensetype": "licenseType"}),
    _e("Roles", "Role", ("id",), (), {"roleid": "id", "role": "name", "rolename": "name", "active": "isActive"}),
    _e("Contracts", "Contract", ("id", "companyID", "contractType", "status"),
       ("contractType", "status", "contractCategory", "contractPeriodType", "billingPreference",
        "serviceLevelAgreementID", "timeReportingRequiresStartAndStopTimes"),
       {**_COMPANY, "contractid": "id", "type": "contractType", "category": "contractCategory",
        "contractsetupfee": "setupFee", "contractoveragebillingrate": "overageBillingRate",
        "defaultcontract": "isDefaultContract", "periodtype": "contractPeriodType", "name": "contractName",
        "contractcategory": "contractCategory", "contractstatus": "status"},
       {"timeReportingRequiresStartAndStopTimes": PICK}, {"companyID": "Companies"}),
    _e("ContractServices", "ContractService", ("id", "contractID", "serviceID"), (),
       {**_CONTRACT_CHILD, "service": "serviceID", "servicename": "serviceID"},
       name_refs={"serviceID": "Services"}),
    _e("ContractServiceUnits", "ContractServiceUnit", ("id", "contractID", "contractServiceID")),
    _e("ContractServiceBundles", "ContractServiceBundle", ("id", "contractID", "serviceBundleID"), (), _CONTRACT_CHILD),
    _e("ContractBlocks", "ContractBlock", ("id", "contractID"), ("status", "paymentType"), _CONTRACT_CHILD),
    _e("ContractBlockHourFactors", "ContractBlockHourFactor", ("id", "contractID", "roleID"), (), _CONTRACT_CHILD),
    _e("ContractRetainers", "ContractRetainer", ("id", "contractID"), ("status", "paymentType"), _CONTRACT_CHILD),
    _e("ContractTicketPurchases", "ContractTicketPurchase", ("id", "contractID"), ("status", "paymentType"),
       _CONTRACT_CHILD),
    _e("ContractRates", "ContractRate", ("id", "contractID", "roleID"), (), _CONTRACT_CHILD),
    _e("ContractMilestones", "ContractMilestone", ("id", "contractID"), ("status",), _CONTRACT_CHILD),
    _e("ContractCharges", "ContractCharge", ("id", "contractID"), ("chargeType", "status"), _CONTRACT_CHILD),
    _e("ContractBillingRules", "ContractBillingRule", ("id", "contractID"), ("determineUnits", "executionMethod"),
       _CONTRACT_CHILD),
    _e("ContractExclusionSets", "ContractExclusionSet", ("id",), (), {"name": "name", "active": "isActive"}),
    _e("ContractExclusionSetExcludedRoles", "ContractExclusionSetExcludedRole",
       ("id", "contractExclusionSetID", "excludedRoleID")),
    _e("ContractExclusionSetExcludedWorkTypes", "ContractExclusionSetExcludedWorkType",
       ("id", "contractExclusionSetID", "excludedWorkTypeID")),
    _e("ContractExclusionRoles", "ContractExclusionRole", ("id", "contractID", "roleID"), (), _CONTRACT_CHILD),
    _e("ContractExclusionBillingCodes", "ContractExclusionBillingCode", ("id", "contractID", "billingCodeID"), (),
       _CONTRACT_CHILD),
    _e("Services", "Service", ("id", "name"), ("periodType",),
       {"serviceid": "id", "servicename": "name", "active": "isActive"}),
    _e("ServiceBundles", "ServiceBundle", ("id", "name"), ("periodType",),
       {"servicebundleid": "id", "bundlename": "name", "servicebundlename": "name", "active": "isActive"}),
    _e("ServiceBundleServices", "ServiceBundleService", ("id", "serviceBundleID", "serviceID")),
    _e("BillingCodes", "BillingCode", ("id",), ("useType", "billingCodeType"),
       {"billingcodeid": "id", "worktype": "name", "active": "isActive"}),
    _e("Products", "Product", ("id", "name"), ("billingType", "periodType", "productCategory"),
       {"productid": "id", "productname": "name", "active": "isActive"}),
    _e("ConfigurationItems", "ConfigurationItem", ("id", "companyID"), ("configurationItemType",),
       {**_COMPANY, "deviceid": "id", "assetid": "id", "installedproductid": "id", "configurationitemid": "id",
        "serial": "serialNumber", "serialno": "serialNumber", "serialnumber": "serialNumber", "active": "isActive",
        "devicetype": "configurationItemType", "assettype": "configurationItemType"},
       name_refs={"companyID": "Companies"}),
    _e("Tickets", "Ticket", ("id", "companyID", "status"),
       ("status", "priority", "queueID", "ticketType", "source", "ticketCategory", "issueType", "subIssueType",
        "serviceLevelAgreementID", "creatorType"),
       {**_COMPANY, "ticketid": "id", "queue": "queueID", "primaryresource": "assignedResourceID",
        "assignedresource": "assignedResourceID", "resource": "assignedResourceID", "created": "createDate",
        "completed": "completedDate", "ticketstatus": "status"},
       name_refs={"companyID": "Companies"}),
    _e("TimeEntries", "TimeEntry", ("id",), ("timeEntryType",),
       {"timeentryid": "id", "date": "dateWorked", "hours": "hoursWorked", "worked": "hoursWorked",
        "nonbillable": "isNonBillable"}),
    _e("NotificationHistory", "NotificationHistory", ("id", "templateName"), ("notificationHistoryTypeID",),
       {"template": "templateName", "sent": "notificationSentTime", "senttime": "notificationSentTime",
        "datesent": "notificationSentTime"}),
    _e("BillingItems", "BillingItem", ("id",), ("billingItemType", "subType"), _COMPANY),
    _e("Invoices", "Invoice", ("id",), (), {**_COMPANY, "invoiceid": "id", "invoicedate": "invoiceDateTime"}),
    _e("WorkflowRules", "WorkflowRule", ("rule_name",), (),
       {"rule": "rule_name", "name": "rule_name", "rulename": "rule_name", "areatab": "area_tab", "area": "area_tab",
        "tab": "area_tab", "isactive": "active", "lasttriggered": "last_triggered", "lastmodified": "last_modified",
        "auditflags": "audit_flags", "notificationtemplate": "notification_template", "timeoffset": "time_offset"},
       {"active": BOOL, "last_triggered": DATE, "last_modified": DATE}, key="rule_name"),
    _e("NotificationTemplates", "NotificationTemplate", ("template_name",), (),
       {"template": "template_name", "name": "template_name", "templatename": "template_name", "areatab": "area_tab",
        "area": "area_tab", "isactive": "active", "lastmodified": "last_modified", "recipient": "recipients"},
       {"active": BOOL, "last_modified": DATE}, key="template_name"),
]}

# Parents are loaded first so grid exports that show a company or service name can be resolved to its id.
LOAD_ORDER = ["Companies", "Services", "ServiceBundles", "Products", "Roles", "Resources", "BillingCodes"] + [
    n for n in ENTITIES if n not in {"Companies", "Services", "ServiceBundles", "Products", "Roles", "Resources",
                                     "BillingCodes"}]
CAPTURED = ("WorkflowRules", "NotificationTemplates")

# The biggest tables are history: a large MSP has millions of time entries and tickets. The audit
# (load_export(lean=True): rules, contract map, report, explorer) reads only these of their columns, plus the key,
# the required columns and, unless client.yaml gives the export_date, every record-history date (they then set
# the default as-of). The rest is neither read nor typed, so a bad value there rejects no row. A plain
# load_export keeps every column.
AUDIT_COLUMNS = {
    "TimeEntries": ("ticketID", "resourceID", "roleID", "billingCodeID", "contractID", "dateWorked",
                    "hoursWorked", "hoursToBill"),
    "Tickets": ("ticketNumber", "title", "companyID", "status", "queueID", "assignedResourceID", "contractID"),
    "NotificationHistory": ("templateName", "notificationSentTime", "companyID", "ticketID"),
    "ContractServiceUnits": ("contractID", "contractServiceID", "serviceID", "startDate", "endDate", "units",
                             "price"),
    "BillingItems": ("companyID", "contractID", "serviceID", "productID", "ticketID", "roleID", "billingCodeID",
                     "itemDate"),
}
# Columns the audit reads only when the file lacks the one they stand in for: {entity: {stand-in: preferred}}.
AUDIT_STAND_INS = {"TimeEntries": {"startDateTime": "dateWorked"}}

WORKFLOW_RULE_COLUMNS = ["rule_name", "area_tab", "entity", "active", "description", "events", "conditions", "actions",
                         "notification_template", "notify", "time_offset", "last_triggered", "last_modified",
                         "audit_flags"]
NOTIFICATION_TEMPLATE_COLUMNS = ["template_name", "area_tab", "event", "active", "recipients", "subject",
                                 "last_modified"]

_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


def field_kind(entity: str, name: str) -> str | None:
    """The kind of a REST field (id, picklist, bool, date, number, text); None for a column we do not type."""
    ent = ENTITIES.get(entity)
    if ent and name in ent.kinds:
        return ent.kinds[name]
    if ent and name in ent.picklists:
        return PICK
    if name in TEXT_FIELDS:
        return TEXT
    if name in NUMBER_FIELDS:
        return NUM
    if name in BOOL_FIELDS:
        return BOOL
    if name in DATE_FIELDS:
        return DATE
    if not _CAMEL.match(name) and name not in (ent.required if ent else ()):
        return None  # a grid column we do not know, or a snake_case capture-sheet column: keep as text
    if name == "id" or name.endswith("ID") or name.endswith("Id"):
        return ID
    if re.match(r"^is[A-Z]", name):
        return BOOL
    if name.startswith("date") or name.endswith(("Date", "DateTime", "Time")):
        return DATE
    return TEXT


# System picklist labels known without a fields/<Entity>.json (Autotask defaults; tenants may relabel).
DEFAULT_PICKLISTS: dict[tuple[str, str], dict[int, str]] = {
    ("Contracts", "contractType"): {1: "Time & Materials", 3: "Fixed Price", 4: "Block Hours", 6: "Retainer",
                                    7: "Recurring Service", 8: "Per Ticket"},
    ("Contracts", "status"): {0: "Inactive", 1: "Active"},
    ("Contracts", "contractPeriodType"): {2: "Monthly", 3: "Quarterly", 4: "Semi-Annual", 5: "Yearly"},
    ("Companies", "companyType"): {1: "Customer", 2: "Lead", 3: "Prospect", 4: "Dead", 6: "Cancellation", 7: "Vendor",
                                   8: "Partner"},
    ("Tickets", "status"): {1: "New", 5: "Complete", 7: "Waiting Customer", 8: "In Progress", 9: "Waiting Materials",
                            10: "Dispatched", 11: "Escalated", 12: "Waiting Vendor", 13: "Waiting Approval"},
    ("Tickets", "priority"): {1: "High", 2: "Medium", 3: "Low", 4: "Critical"},
    ("Tickets", "ticketType"): {1: "Service Request", 2: "Incident", 3: "Problem", 4: "Change Request", 5: "Alert"},
    ("Tickets", "queueID"): {5: "Client Portal", 6: "Post Sale", 8: "Monitoring Alert"},
    ("Tickets", "source"): {-2: "Insourced", -1: "Client Portal", 1: "Other", 2: "Phone", 4: "Email", 5: "Web Portal",
                            6: "In Person/Onsite", 8: "Monitoring Alert"},
    ("Tickets", "ticketCategory"): {1: "Standard (non-editable)", 3: "Standard", 5: "RMA"},
    ("Tickets", "creatorType"): {1: "Resource", 2: "Contact"},
    ("Resources", "licenseType"): {1: "Administrator", 2: "Executive", 3: "Professional", 4: "Team Member",
                                   5: "Time & Attendance Only", 6: "Dashboard User", 7: "API User", 8: "Contractor",
                                   9: "Co-managed Help Desk"},
    ("Resources", "userType"): {1: "System Administrator", 2: "Manager", 3: "Project Manager", 4: "Sales",
                                5: "Team Member", 6: "Contractor", 7: "Service Desk User", 8: "Private CRM",
                                9: "Time and Attendance", 10: "Full Access (system)", 11: "Dashboard User (system)",
                                12: "Minimal Access (system)", 13: "API User (system)",
                                14: "System Administrator (system)", 15: "Manager (system)",
                                16: "Project Manager (system)", 17: "Sales (system)", 18: "Team Member (system)",
                                19: "Contractor (system)", 20: "Service Desk User (system)",
                                21: "Private CRM (system)", 22: "Time and Attendance (system)",
                                23: "Co-managed Help Desk (system)", 25: "API User (system) Can't Read Costs"},
    ("BillingCodes", "useType"): {1: "Work Type", 2: "Material", 3: "Internal Time", 4: "Expense Category",
                                  5: "Recurring Contract Service", 6: "Milestone"},
    ("BillingCodes", "billingCodeType"): {0: "Normal", 1: "System", 2: "Non-Billable"},
    ("Products", "billingType"): {1: "Standard", 2: "Per Contact", 3: "Per Device"},
    ("Services", "periodType"): {2: "Monthly", 3: "Quarterly", 4: "Semi-Annual", 5: "Yearly"},
    ("ServiceBundles", "periodType"): {2: "Monthly", 3: "Quarterly", 4: "Semi-Annual", 5: "Yearly"},
    ("Products", "periodType"): {2: "Monthly", 3: "Quarterly", 4: "Semi-Annual", 5: "Yearly"},
    ("ContractBillingRules", "executionMethod"): {1: "Use System Setting", 2: "Automatic", 3: "Manual"},
}

# Other spellings of the same label seen in exports and older tenants (folded label -> code).
LABEL_ALIASES: dict[tuple[str, str], dict[str, int]] = {
    ("Contracts", "contractType"): {"timeandmaterials": 1, "tm": 1, "timematerials": 1, "blockhour": 4,
                                    "incident": 8, "perincident": 8, "recurringservices": 7, "recurring": 7,
                                    "fixed": 3},
    ("Contracts", "status"): {"ineffect": 1, "yes": 1, "no": 0, "true": 1, "false": 0},
    ("Tickets", "status"): {"completed": 5, "closed": 5, "escalate": 11, "waitingthirdparty": 12,
                            "waiting3rdparty": 12},
    ("Companies", "companyType"): {"cancelation": 6, "client": 1},
}

# Picklists whose values are a closed system list: an unknown label there is an error, not a custom value.
CLOSED_PICKLISTS = {("Contracts", "contractType"), ("Contracts", "status")}


@lru_cache(maxsize=None)
def picklist_labels(entity: str, name: str) -> dict[int, str]:
    """Built-in code -> label map for a picklist field ({} when none is known)."""
    return dict(DEFAULT_PICKLISTS.get((entity, name), {}))


def singular(entity: str) -> str:
    """REST singular name used as findings' entity_type ("Contracts" -> "Contract")."""
    return ENTITIES[entity].singular if entity in ENTITIES else entity
