"""A small, complete Autotask export of one fictional MSP tenant, in the shape the REST API really returns.

`write_export(folder)` writes ``tests/data/real_rest/`` (committed; ``python tests/real_rest_export.py`` rebuilds
it, ``tests/test_real_rest.py`` checks the committed copy is what this module writes). The tenant is Harbourside
IT, a 7-technician Sydney MSP (AU zone ``webservices6``), exported on 2025-03-31.

What makes it "real REST" rather than a convenient sample:

- every record is what ``POST /V1.0/{Entity}/query`` returns: camelCase fields, ids and picklists as JSON integers,
  money as JSON doubles, booleans as true/false, datetimes as ISO 8601 UTC strings (``...T09:30:00.123Z``, date-only
  fields as midnight UTC, some without a fraction or with fewer than three digits, an evergreen contract ending
  ``9999-12-31``), text as strings (also where it looks like a number, a date, a time or a MAC address), nulls
  where Autotask leaves a field empty, ``userDefinedFields`` as ``[{"name", "value"}]`` (values are strings or
  null) on the entities Autotask lets have UDFs (Companies, Contacts, Contracts, ConfigurationItems, Products,
  Services, Tickets) and ``[]`` on the others;
- for Resources, Products, ConfigurationItems, Contracts, Tickets and TimeEntries every field of Autotask's REST
  model (``SCHEMA`` below, copied from shared/reference/autotask-rest-fields.json) is present in every record,
  and every field except the few in ``ALWAYS_NULL`` carries a value in at least one record; the other entities
  carry every field of the model too (but ``soapParentPropertyId``, a SOAP-era artefact REST does not return);
- a few fields the live API returns beyond that model (``LIVE_EXTRAS``: Tickets ``isAssignedToComanaged`` ...,
  Contracts ``lastModifiedDateTime``, Resources ``payrollIdentifier``) are included, as a live tenant sends them;
- picklist codes are the live tenant's in shared/autotask-fixtures (Ticket status / priority / queueID / source /
  issueType+subIssueType pairs / SLA / apiVendorID, Resource userType / licenseType / locationID / payrollType and
  the text picklists dateFormat, timeFormat, numberFormat, travelAvailabilityPct, emailTypeCode, gender ...); those
  two entityInformation/fields responses are copied verbatim to ``fields/`` so labels resolve;
- Tickets.json is two REST pages (a JSON list of two responses, with next/prev page URLs), TimeEntries is JSON Lines,
  the rest single responses;
- every reference to an entity the loader reads (``REFERENCES``) resolves inside the export and ids are unique;
  references to entities it does not read (Projects, Tasks, Opportunities, CompanyLocations, QuoteItems, invoice
  line items, lines of business ...) carry plausible ids, as in a real pull. No record uses company id 0 (Autotask's
  own company), so every row is a client, vendor or prospect record.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "data" / "real_rest"
FIXTURES = Path("/work/shared/autotask-fixtures")  # source of fields/*.json when rebuilding
EXPORT_DATE = "2025-03-31"
ZONE = "https://webservices6.autotask.net/ATServicesRest/V1.0"

# REST plural (file name) -> model name (SCHEMA key, findings' entity_type)
ENTITY_MODEL = {
    "Companies": "Company", "Contacts": "Contact", "Resources": "Resource", "Roles": "Role",
    "BillingCodes": "BillingCode", "Services": "Service", "Products": "Product",
    "ConfigurationItems": "ConfigurationItem", "Contracts": "Contract", "ContractServices": "ContractService",
    "ContractServiceUnits": "ContractServiceUnit", "ContractExclusionSets": "ContractExclusionSet",
    "Tickets": "Ticket", "TimeEntries": "TimeEntry", "NotificationHistory": "NotificationHistory",
    "BillingItems": "BillingItem", "Invoices": "Invoice",
}
# Entities whose every record carries every field of the model, each field set somewhere (the typing tests' subjects).
FULL = ("Resources", "Products", "ConfigurationItems", "Contracts", "Tickets", "TimeEntries")
FILES = {e: f"{e}.json" for e in ENTITY_MODEL} | {"TimeEntries": "TimeEntries.jsonl"}
PAGED = {"Tickets": 10}  # entity -> records on the first page (the rest on the second)
SKIP_FIELDS = {"soapParentPropertyId"}  # in the C# model (SOAP heritage), not in REST JSON
# Fields of the FULL entities left null in every record, and why.
ALWAYS_NULL = {
    ("Resources", "suffix"): "the tenant's suffix picklist has no values (fields/Resources.json)",
    ("ConfigurationItems", "contractServiceBundleID"): "the tenant sells no service bundles",
    ("ConfigurationItems", "serviceBundleID"): "the tenant sells no service bundles",
    ("ConfigurationItems", "sourceChargeID"): "no device was created from a charge",
    ("ConfigurationItems", "sourceChargeType"): "no device was created from a charge",
    ("Tickets", "contractServiceBundleID"): "the tenant sells no service bundles",
    ("TimeEntries", "contractServiceBundleID"): "the tenant sells no service bundles",
}
# Fields the live API returns that the model (SCHEMA) does not list; typed as the live fields endpoint says.
LIVE_EXTRAS = {
    "Resources": {"payrollIdentifier": "string"},
    "Tickets": {"createdByContactID": "int?", "isAssignedToComanaged": "bool?", "isVisibleToComanaged": "bool?"},
    "Contracts": {"lastModifiedDateTime": "DateTime?"},
}
# Autotask REST model (C# types of panoramicdata/AutoTask.Psa.Api, via shared/reference/autotask-rest-fields.json)
# for the entities written here: long?/int? ids, picklists and counts; double? numbers; bool?; DateTime?; string.
SCHEMA: dict[str, dict[str, str]] = {
    "Company": {
        "additionalAddressInformation": "string", "address1": "string", "address2": "string",
        "alternatePhone1": "string", "alternatePhone2": "string", "apiVendorID": "int?", "assetValue": "double?",
        "billToAdditionalAddressInformation": "string", "billToAddressToUse": "int?", "billToAttention": "string",
        "billToCity": "string", "billToCompanyLocationID": "int?", "billToCountryID": "int?", "billToState": "string",
        "billToZipCode": "string", "billingAddress1": "string", "billingAddress2": "string", "city": "string",
        "classification": "int?", "companyName": "string", "companyNumber": "string", "companyType": "int?",
        "competitorID": "int?", "countryID": "int?", "createDate": "DateTime?", "createdByResourceID": "int?",
        "currencyID": "int?", "fax": "string", "id": "long?", "impersonatorCreatorResourceID": "int?",
        "invoiceEmailMessageID": "int?", "invoiceMethod": "int?", "invoiceNonContractItemsToParentCompany": "bool?",
        "invoiceTemplateID": "int?", "isActive": "bool?", "isClientPortalActive": "bool?",
        "isEnabledForComanaged": "bool?", "isTaskFireActive": "bool?", "isTaxExempt": "bool?",
        "lastActivityDate": "DateTime?", "lastTrackedModifiedDateTime": "DateTime?", "marketSegmentID": "int?",
        "ownerResourceID": "int?", "parentCompanyID": "int?", "phone": "string", "postalCode": "string",
        "quoteEmailMessageID": "int?", "quoteTemplateID": "int?", "sicCode": "string", "state": "string",
        "stockMarket": "string", "stockSymbol": "string", "surveyCompanyRating": "double?", "taxID": "string",
        "taxRegionID": "int?", "territoryID": "int?", "userDefinedFields": "List<UserDefinedField>",
        "webAddress": "string",
    },
    "Contact": {
        "additionalAddressInformation": "string", "addressLine": "string", "addressLine1": "string",
        "alternatePhone": "string", "apiVendorID": "int?", "bulkEmailOptOutTime": "DateTime?", "city": "string",
        "companyID": "int?", "companyLocationID": "int?", "countryID": "int?", "createDate": "DateTime?",
        "emailAddress": "string", "emailAddress2": "string", "emailAddress3": "string", "extension": "string",
        "externalID": "string", "facebookUrl": "string", "faxNumber": "string", "firstName": "string", "id": "long?",
        "impersonatorCreatorResourceID": "int?", "isActive": "int?", "isOptedOutFromBulkEmail": "bool?",
        "lastActivityDate": "DateTime?", "lastModifiedDate": "DateTime?", "lastName": "string",
        "linkedInUrl": "string", "middleInitial": "string", "mobilePhone": "string", "namePrefix": "int?",
        "nameSuffix": "int?", "note": "string", "phone": "string", "primaryContact": "bool?",
        "receivesEmailNotifications": "bool?", "roomNumber": "string", "soapParentPropertyId": "ExpressionFunc?",
        "solicitationOptOut": "bool?", "solicitationOptOutTime": "DateTime?", "state": "string",
        "surveyOptOut": "bool?", "title": "string", "twitterUrl": "string",
        "userDefinedFields": "List<UserDefinedField>", "zipCode": "string",
    },
    "Resource": {
        "accountingReferenceID": "string", "dateFormat": "string", "defaultServiceDeskRoleID": "long?",
        "email": "string", "email2": "string", "email3": "string", "emailTypeCode": "string",
        "emailTypeCode2": "string", "emailTypeCode3": "string", "firstName": "string", "gender": "string",
        "greeting": "int?", "hireDate": "DateTime?", "homePhone": "string", "id": "long?", "initials": "string",
        "internalCost": "double?", "isActive": "bool?", "lastName": "string", "licenseType": "int?",
        "locationID": "int?", "middleName": "string", "mobilePhone": "string", "numberFormat": "string",
        "officeExtension": "string", "officePhone": "string", "payrollType": "int?", "resourceType": "string",
        "suffix": "int?", "surveyResourceRating": "double?", "timeFormat": "string", "title": "string",
        "travelAvailabilityPct": "string", "userDefinedFields": "List<UserDefinedField>", "userName": "string",
        "userType": "int?",
    },
    "Role": {
        "description": "string", "hourlyFactor": "double?", "hourlyRate": "double?", "id": "long?",
        "isActive": "bool?", "isExcludedFromNewContracts": "bool?", "isSystemRole": "bool?", "name": "string",
        "quoteItemDefaultTaxCategoryId": "int?", "roleType": "int?", "userDefinedFields": "List<UserDefinedField>",
    },
    "BillingCode": {
        "afterHoursWorkType": "int?", "billingCodeType": "int?", "department": "int?", "description": "string",
        "externalNumber": "string", "generalLedgerAccount": "int?", "id": "long?", "isActive": "bool?",
        "isExcludedFromNewContracts": "bool?", "markupRate": "double?", "name": "string", "taxCategoryID": "int?",
        "unitCost": "double?", "unitPrice": "double?", "useType": "int?",
        "userDefinedFields": "List<UserDefinedField>",
    },
    "Service": {
        "billingCodeID": "int?", "createDate": "DateTime?", "creatorResourceID": "int?", "description": "string",
        "id": "long?", "invoiceDescription": "string", "isActive": "bool?", "lastModifiedDate": "DateTime?",
        "markupRate": "double?", "name": "string", "periodType": "int?", "serviceLevelAgreementID": "long?",
        "unitCost": "double?", "unitPrice": "double?", "updateResourceID": "int?",
        "userDefinedFields": "List<UserDefinedField>", "vendorCompanyID": "int?",
    },
    "Product": {
        "billingType": "int?", "chargeBillingCodeID": "int?", "defaultVendorID": "int?", "description": "string",
        "doesNotRequireProcurement": "bool?", "externalProductID": "string", "id": "long?",
        "impersonatorCreatorResourceID": "int?", "internalProductID": "string", "isActive": "bool?",
        "isEligibleForRma": "bool?", "isSerialized": "bool?", "link": "string", "manufacturerName": "string",
        "manufacturerProductName": "string", "markupRate": "double?", "msrp": "double?", "name": "string",
        "periodType": "int?", "priceCostMethod": "int?", "productBillingCodeID": "int?", "productCategory": "int?",
        "sku": "string", "unitCost": "double?", "unitPrice": "double?", "userDefinedFields": "List<UserDefinedField>",
        "vendorProductNumber": "string",
    },
    "ConfigurationItem": {
        "apiVendorID": "int?", "companyID": "int?", "companyLocationID": "int?",
        "configurationItemCategoryID": "int?", "configurationItemType": "int?", "contactID": "int?",
        "contractID": "int?", "contractServiceBundleID": "int?", "contractServiceID": "int?",
        "createDate": "DateTime?", "createdByPersonID": "int?", "dailyCost": "double?",
        "dattoAvailableKilobytes": "long?", "dattoDeviceMemoryMegabytes": "int?", "dattoDrivesErrors": "bool?",
        "dattoHostname": "string", "dattoInternalIP": "string", "dattoKernelVersionID": "int?",
        "dattoLastCheckInDateTime": "DateTime?", "dattoNICSpeedKilobitsPerSecond": "int?",
        "dattoNumberOfAgents": "int?", "dattoNumberOfDrives": "int?", "dattoNumberOfVolumes": "int?",
        "dattoOSVersionID": "int?", "dattoOffsiteUsedBytes": "long?", "dattoPercentageUsed": "double?",
        "dattoProtectedKilobytes": "long?", "dattoRemoteIP": "string", "dattoSerialNumber": "string",
        "dattoUptimeSeconds": "int?", "dattoUsedKilobytes": "long?", "dattoZFSVersionID": "int?",
        "deviceNetworkingID": "string", "hourlyCost": "double?", "id": "long?",
        "impersonatorCreatorResourceID": "int?", "installDate": "DateTime?", "installedByContactID": "int?",
        "installedByID": "int?", "isActive": "bool?", "lastActivityPersonID": "int?",
        "lastActivityPersonType": "int?", "lastModifiedTime": "DateTime?", "location": "string",
        "monthlyCost": "double?", "notes": "string", "numberOfUsers": "double?", "parentConfigurationItemID": "int?",
        "perUseCost": "double?", "productID": "int?", "referenceNumber": "string", "referenceTitle": "string",
        "rmmDeviceAuditAntivirusStatusID": "int?", "rmmDeviceAuditArchitectureID": "int?",
        "rmmDeviceAuditBackupStatusID": "int?", "rmmDeviceAuditDescription": "string",
        "rmmDeviceAuditDeviceTypeID": "int?", "rmmDeviceAuditDisplayAdaptorID": "int?",
        "rmmDeviceAuditDomainID": "int?", "rmmDeviceAuditExternalIPAddress": "string",
        "rmmDeviceAuditHostname": "string", "rmmDeviceAuditIPAddress": "string", "rmmDeviceAuditLastUser": "string",
        "rmmDeviceAuditMacAddress": "string", "rmmDeviceAuditManufacturerID": "int?",
        "rmmDeviceAuditMemoryBytes": "long?", "rmmDeviceAuditMissingPatchCount": "int?",
        "rmmDeviceAuditMobileNetworkOperatorID": "int?", "rmmDeviceAuditMobileNumber": "string",
        "rmmDeviceAuditModelID": "int?", "rmmDeviceAuditMotherboardID": "int?",
        "rmmDeviceAuditOperatingSystem": "string", "rmmDeviceAuditPatchStatusID": "int?",
        "rmmDeviceAuditProcessorID": "int?", "rmmDeviceAuditSNMPContact": "string",
        "rmmDeviceAuditSNMPLocation": "string", "rmmDeviceAuditSNMPName": "string",
        "rmmDeviceAuditServicePackID": "int?", "rmmDeviceAuditSoftwareStatusID": "int?",
        "rmmDeviceAuditStorageBytes": "long?", "rmmDeviceID": "long?", "rmmDeviceUID": "string",
        "rmmOpenAlertCount": "int?", "serialNumber": "string", "serviceBundleID": "int?", "serviceID": "int?",
        "serviceLevelAgreementID": "int?", "setupFee": "double?", "sourceChargeID": "int?",
        "sourceChargeType": "int?", "userDefinedFields": "List<UserDefinedField>", "vendorID": "int?",
        "warrantyExpirationDate": "DateTime?",
    },
    "Contract": {
        "billToCompanyContactID": "int?", "billToCompanyID": "int?", "billingPreference": "int?", "companyID": "int?",
        "contactID": "int?", "contactName": "string", "contractCategory": "int?", "contractExclusionSetID": "int?",
        "contractName": "string", "contractNumber": "string", "contractPeriodType": "int?", "contractType": "int?",
        "description": "string", "endDate": "DateTime?", "estimatedCost": "double?", "estimatedHours": "double?",
        "estimatedRevenue": "double?", "exclusionContractID": "long?", "id": "long?",
        "internalCurrencyOverageBillingRate": "double?", "internalCurrencySetupFee": "double?",
        "isCompliant": "bool?", "isDefaultContract": "bool?", "opportunityID": "int?",
        "organizationalLevelAssociationID": "int?", "overageBillingRate": "double?", "purchaseOrderNumber": "string",
        "renewedContractID": "long?", "serviceLevelAgreementID": "int?", "setupFee": "double?",
        "setupFeeBillingCodeID": "long?", "startDate": "DateTime?", "status": "int?",
        "timeReportingRequiresStartAndStopTimes": "int?", "userDefinedFields": "List<UserDefinedField>",
    },
    "ContractService": {
        "contractID": "int?", "id": "long?", "internalCurrencyAdjustedPrice": "double?",
        "internalCurrencyUnitPrice": "double?", "internalDescription": "string", "invoiceDescription": "string",
        "quoteItemID": "long?", "serviceID": "int?", "soapParentPropertyId": "ExpressionFunc?", "unitCost": "double?",
        "unitPrice": "double?", "userDefinedFields": "List<UserDefinedField>",
    },
    "ContractServiceUnit": {
        "approveAndPostDate": "DateTime?", "contractID": "int?", "contractServiceID": "int?", "cost": "double?",
        "endDate": "DateTime?", "id": "long?", "internalCurrencyPrice": "double?",
        "organizationalLevelAssociationID": "int?", "price": "double?", "serviceID": "int?",
        "soapParentPropertyId": "long?", "startDate": "DateTime?", "units": "int?",
        "userDefinedFields": "List<UserDefinedField>", "vendorCompanyID": "int?",
    },
    "ContractExclusionSet": {
        "description": "string", "id": "long?", "isActive": "bool?", "name": "string",
        "userDefinedFields": "List<UserDefinedField>",
    },
    "Ticket": {
        "apiVendorID": "int?", "assignedResourceID": "int?", "assignedResourceRoleID": "int?",
        "billingCodeID": "int?", "changeApprovalBoard": "int?", "changeApprovalStatus": "int?",
        "changeApprovalType": "int?", "changeInfoField1": "string", "changeInfoField2": "string",
        "changeInfoField3": "string", "changeInfoField4": "string", "changeInfoField5": "string", "companyID": "int?",
        "companyLocationID": "int?", "completedByResourceID": "int?", "completedDate": "DateTime?",
        "configurationItemID": "int?", "contactID": "int?", "contractID": "int?", "contractServiceBundleID": "long?",
        "contractServiceID": "long?", "createDate": "DateTime?", "creatorResourceID": "int?", "creatorType": "int?",
        "currentServiceThermometerRating": "int?", "description": "string", "dueDateTime": "DateTime?",
        "estimatedHours": "double?", "externalID": "string", "firstResponseAssignedResourceID": "int?",
        "firstResponseDateTime": "DateTime?", "firstResponseDueDateTime": "DateTime?",
        "firstResponseInitiatingResourceID": "int?", "hoursToBeScheduled": "double?", "id": "long?",
        "impersonatorCreatorResourceID": "int?", "issueType": "int?", "lastActivityDate": "DateTime?",
        "lastActivityPersonType": "int?", "lastActivityResourceID": "int?",
        "lastCustomerNotificationDateTime": "DateTime?", "lastCustomerVisibleActivityDateTime": "DateTime?",
        "lastTrackedModificationDateTime": "DateTime?", "monitorID": "int?", "monitorTypeID": "int?",
        "opportunityID": "int?", "organizationalLevelAssociationID": "int?",
        "previousServiceThermometerRating": "int?", "priority": "int?", "problemTicketId": "int?",
        "projectID": "int?", "purchaseOrderNumber": "string", "queueID": "int?", "resolution": "string",
        "resolutionPlanDateTime": "DateTime?", "resolutionPlanDueDateTime": "DateTime?",
        "resolvedDateTime": "DateTime?", "resolvedDueDateTime": "DateTime?", "rmaStatus": "int?", "rmaType": "int?",
        "rmmAlertID": "string", "serviceLevelAgreementHasBeenMet": "bool?", "serviceLevelAgreementID": "int?",
        "serviceLevelAgreementPausedNextEventHours": "double?", "serviceThermometerTemperature": "int?",
        "source": "int?", "status": "int?", "subIssueType": "int?", "ticketCategory": "int?",
        "ticketNumber": "string", "ticketType": "int?", "title": "string",
        "userDefinedFields": "List<UserDefinedField>",
    },
    "TimeEntry": {
        "billingApprovalDateTime": "DateTime?", "billingApprovalLevelMostRecent": "int?",
        "billingApprovalResourceID": "int?", "billingCodeID": "int?", "contractID": "int?",
        "contractServiceBundleID": "long?", "contractServiceID": "long?", "createDateTime": "DateTime?",
        "creatorUserID": "int?", "dateWorked": "DateTime?", "endDateTime": "DateTime?", "hoursToBill": "double?",
        "hoursWorked": "double?", "id": "long?", "impersonatorCreatorResourceID": "int?",
        "impersonatorUpdaterResourceID": "int?", "internalBillingCodeID": "int?", "internalNotes": "string",
        "isNonBillable": "bool?", "lastModifiedDateTime": "DateTime?", "lastModifiedUserID": "int?",
        "offsetHours": "double?", "resourceID": "int?", "roleID": "int?", "showOnInvoice": "bool?",
        "startDateTime": "DateTime?", "summaryNotes": "string", "taskID": "int?", "ticketID": "int?",
        "timeEntryType": "int?", "userDefinedFields": "List<UserDefinedField>",
    },
    "NotificationHistory": {
        "companyID": "long?", "entityNumber": "string", "entityTitle": "string", "id": "long?",
        "initiatingContactID": "long?", "initiatingResourceID": "long?", "isActive": "bool?", "isDeleted": "bool?",
        "isTemplateJob": "bool?", "notificationHistoryTypeID": "int?", "notificationSentTime": "DateTime?",
        "opportunityID": "long?", "projectID": "long?", "quoteID": "long?", "recipientDisplayName": "string",
        "recipientEmailAddress": "string", "taskID": "long?", "templateName": "string", "ticketID": "long?",
        "timeEntryID": "long?", "userDefinedFields": "List<UserDefinedField>",
    },
    "BillingItem": {
        "accountManagerWhenApprovedID": "int?", "billingCodeID": "int?", "billingItemType": "int?",
        "companyID": "int?", "configurationItemID": "long?", "contractChargeID": "long?", "contractID": "int?",
        "description": "string", "expenseItemID": "int?", "extendedPrice": "double?", "id": "long?",
        "internalCurrencyExtendedPrice": "double?", "internalCurrencyRate": "double?",
        "internalCurrencyTaxDollars": "double?", "internalCurrencyTotalAmount": "double?", "invoiceID": "int?",
        "itemApproverID": "int?", "itemDate": "DateTime?", "itemName": "string", "lineItemFullDescription": "string",
        "lineItemGroupDescription": "string", "lineItemID": "long?", "milestoneID": "long?", "nonBillable": "int?",
        "organizationalLevelAssociationID": "int?", "ourCost": "double?", "postedDate": "DateTime?",
        "postedOnTime": "DateTime?", "projectChargeID": "long?", "projectID": "int?", "purchaseOrderNumber": "string",
        "quantity": "double?", "rate": "double?", "roleID": "int?", "serviceBundleID": "long?", "serviceID": "long?",
        "subType": "int?", "taskID": "int?", "taxDollars": "double?", "ticketChargeID": "long?", "ticketID": "int?",
        "timeEntryID": "int?", "totalAmount": "double?", "userDefinedFields": "List<UserDefinedField>",
        "vendorID": "long?", "webServiceDate": "DateTime?",
    },
    "Invoice": {
        "batchID": "int?", "comments": "string", "companyID": "int?", "createDateTime": "DateTime?",
        "creatorResourceID": "int?", "dueDate": "DateTime?", "fromDate": "DateTime?", "id": "long?",
        "invoiceDateTime": "DateTime?", "invoiceEditorTemplateID": "int?", "invoiceNumber": "string",
        "invoiceTotal": "double?", "isVoided": "bool?", "orderNumber": "string", "paidDate": "DateTime?",
        "paymentTerm": "int?", "taxGroup": "int?", "taxRegionName": "string", "toDate": "DateTime?",
        "totalTaxValue": "double?", "userDefinedFields": "List<UserDefinedField>", "voidedByResourceID": "int?",
        "voidedDate": "DateTime?", "webServiceDate": "DateTime?",
    },
}

# (entity, field, target entity): every reference to an entity the loader reads. A value must be one of the target's
# ids; a target this export does not hold (bundles, charges, milestones) means the field stays null.
REFERENCES = [
    ("Companies", "parentCompanyID", "Companies"), ("Companies", "ownerResourceID", "Resources"),
    ("Companies", "createdByResourceID", "Resources"), ("Companies", "impersonatorCreatorResourceID", "Resources"),
    ("Contacts", "companyID", "Companies"), ("Contacts", "impersonatorCreatorResourceID", "Resources"),
    ("Resources", "defaultServiceDeskRoleID", "Roles"),
    ("BillingCodes", "afterHoursWorkType", "BillingCodes"),
    ("Services", "billingCodeID", "BillingCodes"), ("Services", "creatorResourceID", "Resources"),
    ("Services", "updateResourceID", "Resources"), ("Services", "vendorCompanyID", "Companies"),
    ("Products", "chargeBillingCodeID", "BillingCodes"), ("Products", "productBillingCodeID", "BillingCodes"),
    ("Products", "defaultVendorID", "Companies"), ("Products", "impersonatorCreatorResourceID", "Resources"),
    ("ConfigurationItems", "companyID", "Companies"), ("ConfigurationItems", "contactID", "Contacts"),
    ("ConfigurationItems", "contractID", "Contracts"), ("ConfigurationItems", "contractServiceID", "ContractServices"),
    ("ConfigurationItems", "contractServiceBundleID", "ContractServiceBundles"),
    ("ConfigurationItems", "createdByPersonID", "Resources"),
    ("ConfigurationItems", "impersonatorCreatorResourceID", "Resources"),
    ("ConfigurationItems", "installedByContactID", "Contacts"), ("ConfigurationItems", "installedByID", "Resources"),
    ("ConfigurationItems", "parentConfigurationItemID", "ConfigurationItems"),
    ("ConfigurationItems", "productID", "Products"), ("ConfigurationItems", "serviceID", "Services"),
    ("ConfigurationItems", "serviceBundleID", "ServiceBundles"), ("ConfigurationItems", "vendorID", "Companies"),
    ("ConfigurationItems", "sourceChargeID", "ContractCharges"),
    ("Contracts", "companyID", "Companies"), ("Contracts", "billToCompanyID", "Companies"),
    ("Contracts", "contactID", "Contacts"), ("Contracts", "billToCompanyContactID", "Contacts"),
    ("Contracts", "contractExclusionSetID", "ContractExclusionSets"),
    ("Contracts", "exclusionContractID", "Contracts"), ("Contracts", "renewedContractID", "Contracts"),
    ("Contracts", "setupFeeBillingCodeID", "BillingCodes"),
    ("ContractServices", "contractID", "Contracts"), ("ContractServices", "serviceID", "Services"),
    ("ContractServiceUnits", "contractID", "Contracts"),
    ("ContractServiceUnits", "contractServiceID", "ContractServices"),
    ("ContractServiceUnits", "serviceID", "Services"), ("ContractServiceUnits", "vendorCompanyID", "Companies"),
    ("Tickets", "companyID", "Companies"), ("Tickets", "contactID", "Contacts"),
    ("Tickets", "createdByContactID", "Contacts"), ("Tickets", "contractID", "Contracts"),
    ("Tickets", "contractServiceID", "ContractServices"),
    ("Tickets", "contractServiceBundleID", "ContractServiceBundles"),
    ("Tickets", "configurationItemID", "ConfigurationItems"), ("Tickets", "billingCodeID", "BillingCodes"),
    ("Tickets", "assignedResourceID", "Resources"), ("Tickets", "assignedResourceRoleID", "Roles"),
    ("Tickets", "completedByResourceID", "Resources"), ("Tickets", "creatorResourceID", "Resources"),
    ("Tickets", "firstResponseAssignedResourceID", "Resources"),
    ("Tickets", "firstResponseInitiatingResourceID", "Resources"),
    ("Tickets", "impersonatorCreatorResourceID", "Resources"), ("Tickets", "lastActivityResourceID", "Resources"),
    ("Tickets", "problemTicketId", "Tickets"),
    ("TimeEntries", "ticketID", "Tickets"), ("TimeEntries", "resourceID", "Resources"),
    ("TimeEntries", "roleID", "Roles"), ("TimeEntries", "billingCodeID", "BillingCodes"),
    ("TimeEntries", "internalBillingCodeID", "BillingCodes"), ("TimeEntries", "contractID", "Contracts"),
    ("TimeEntries", "contractServiceID", "ContractServices"),
    ("TimeEntries", "contractServiceBundleID", "ContractServiceBundles"),
    ("TimeEntries", "billingApprovalResourceID", "Resources"), ("TimeEntries", "creatorUserID", "Resources"),
    ("TimeEntries", "impersonatorCreatorResourceID", "Resources"),
    ("TimeEntries", "impersonatorUpdaterResourceID", "Resources"), ("TimeEntries", "lastModifiedUserID", "Resources"),
    ("NotificationHistory", "companyID", "Companies"), ("NotificationHistory", "ticketID", "Tickets"),
    ("NotificationHistory", "timeEntryID", "TimeEntries"), ("NotificationHistory", "initiatingResourceID", "Resources"),
    ("NotificationHistory", "initiatingContactID", "Contacts"),
    ("BillingItems", "companyID", "Companies"), ("BillingItems", "contractID", "Contracts"),
    ("BillingItems", "ticketID", "Tickets"), ("BillingItems", "timeEntryID", "TimeEntries"),
    ("BillingItems", "roleID", "Roles"), ("BillingItems", "billingCodeID", "BillingCodes"),
    ("BillingItems", "serviceID", "Services"), ("BillingItems", "configurationItemID", "ConfigurationItems"),
    ("BillingItems", "invoiceID", "Invoices"), ("BillingItems", "itemApproverID", "Resources"),
    ("BillingItems", "accountManagerWhenApprovedID", "Resources"), ("BillingItems", "vendorID", "Companies"),
    ("BillingItems", "contractChargeID", "ContractCharges"), ("BillingItems", "milestoneID", "ContractMilestones"),
    ("BillingItems", "serviceBundleID", "ServiceBundles"),
    ("Invoices", "companyID", "Companies"), ("Invoices", "creatorResourceID", "Resources"),
    ("Invoices", "voidedByResourceID", "Resources"),
]
# ConfigurationItems.lastActivityPersonID is a Resource when lastActivityPersonType is 1, a Contact when 2.
PERSON_REFERENCES = [("ConfigurationItems", "lastActivityPersonID", "lastActivityPersonType")]


def day(date: str) -> str:
    """A date-only field as REST returns it: midnight UTC with milliseconds."""
    return f"{date}T00:00:00.000Z"


def at(stamp: str) -> str:
    """A UTC time as REST writes it: '2025-03-14 09:30' -> '2025-03-14T09:30:00.000Z'; seconds and fractions are
    kept as given, so '2025-03-14 09:30:17' -> '...T09:30:17Z' and '2025-03-14 09:30:17.5' -> '...T09:30:17.5Z'
    (Autotask drops trailing zeros of the fraction, and some fields come back without one)."""
    date, clock = stamp.split(" ")
    if clock.count(":") == 1:
        clock += ":00.000"
    return f"{date}T{clock}Z"


def udf(*pairs: tuple[str, str | None]) -> list[dict]:
    """userDefinedFields as REST returns them: the UDF's name and its value (a string or null)."""
    return [{"name": name, "value": value} for name, value in pairs]


# --------------------------------------------------------------------------------------------- ids

# Resources (the MSP's staff and API users)
R_DANIEL, R_PRIYA, R_TOM, R_CHLOE, R_MARCUS = 29682885, 29682886, 29682887, 29682888, 29682889
R_HANNAH, R_SOFIA, R_JOMAR, R_BEN, R_NCENTRAL, R_XERO = 29682890, 29682891, 29682892, 29682893, 29682894, 29682895
# Roles
ROLE_L1, ROLE_L2, ROLE_SENIOR, ROLE_PROJECT = 29682833, 29682834, 29682835, 29682836
ROLE_AM, ROLE_AH, ROLE_ADMIN, ROLE_LEGACY = 29682837, 29682838, 29682839, 29682840
# Billing codes (work types, internal time, materials, recurring services, expenses)
BC_REMOTE, BC_ONSITE, BC_PROJECT, BC_AH, BC_TRAVEL = 29682801, 29682802, 29682803, 29682804, 29682805
BC_INT_ADMIN, BC_INT_TRAIN, BC_HARDWARE, BC_SOFTWARE = 29682806, 29682807, 29682808, 29682809
BC_MANAGED, BC_BACKUP, BC_EXPENSE, BC_SETUP = 29682810, 29682811, 29682812, 29682813
# Companies
C_BONDI, C_PFC, C_COASTAL, C_NBP, C_REDFERN, C_MACQ, C_WINERY = 175, 176, 177, 178, 179, 180, 181
C_MOTORS, C_RANDWICK, C_INGRAM, C_CRONULLA, C_MANLY, C_DICKER = 182, 183, 184, 185, 186, 187
C_OWN = 0  # the MSP's own organization: Autotask gives it id 0 (help: Companies/_InternalAccount.htm)
# Contacts
P_EMMA, P_RAJ, P_STEVE, P_MEI, P_OLIVIA, P_JACK, P_AISHA = (30684101, 30684102, 30684103, 30684104, 30684105,
                                                            30684106, 30684107)
P_PETER, P_LUCY, P_ISABELLA, P_GARY, P_SAM, P_KAREN, P_TYLER, P_NICK = (30684108, 30684109, 30684110, 30684111,
                                                                       30684112, 30684113, 30684114, 30684115)
# Services
S_WKS, S_SRV, S_M365, S_SAAS, S_BCDR, S_FW, S_HELPDESK, S_EMAIL = range(29683001, 29683009)
# Products
(PR_M365BP, PR_M365BS, PR_EXO, PR_LAT, PR_OPT, PR_PE, PR_FG, PR_SIRIS, PR_DAP, PR_DSW, PR_U6, PR_YEALINK,
 PR_UPS) = range(29683101, 29683114)
# Contracts
(CT_BONDI, CT_BONDI_TM, CT_PFC, CT_PFC_OLD, CT_COASTAL, CT_NBP, CT_REDFERN, CT_MACQ, CT_WINERY, CT_MOTORS,
 CT_RANDWICK, CT_MANLY) = range(29684001, 29684013)
EXCLUSION_SET = 29682950
# Configuration items
(CI_BDG_PC, CI_BDG_SRV, CI_BDG_FW, CI_BDG_SIRIS, CI_PFC_LAPTOP, CI_PFC_AP, CI_PFC_SWITCH, CI_COASTAL_M365,
 CI_NBP_PHONE, CI_REDFERN_PC, CI_MACQ_SRV, CI_MOTORS_AP, CI_WINERY_UPS) = range(29690101, 29690114)
# Ticket queues, statuses, priorities (codes of the live tenant in shared/autotask-fixtures)
Q_HELPDESK, Q_TRIAGE, Q_MONITORING, Q_PORTAL, Q_PROBLEMS = 29683325, 29748501, 8, 5, 30082677
Q_SALES, Q_PROJECT, Q_RECURRING = 30082674, 30082686, 29682969
NEW, COMPLETE, WAITING_CUSTOMER, IN_PROGRESS, ESCALATED, WAITING_3RD_PARTY = 1, 5, 7, 8, 11, 12
SALES_ORDERING, CALL_SCHEDULED = 21, 29
CRITICAL, MEDIUM, LOW, HIGH = 1, 2, 3, 5
SLA_BASIC, SLA_24X7 = 2, 5
HQ, REMOTE_NSW, PHILIPPINES = 90682, 29746578, 29746581  # Resources.locationID


# --------------------------------------------------------------------------------------------- records

def resources() -> list[dict]:
    def r(id_, first, last, title, user_type, license_type, **kw):
        row = {
            "id": id_, "firstName": first, "lastName": last, "title": title, "userType": user_type,
            "licenseType": license_type, "isActive": True, "resourceType": "Employee", "payrollType": 1,
            "locationID": HQ, "dateFormat": "dd/MM/yyyy", "timeFormat": "h:mm tt", "numberFormat": "X,XXX.XX",
            "emailTypeCode": "PRIMARY", "emailTypeCode2": None, "emailTypeCode3": None, "email2": None,
            "email3": None, "officePhone": "(02) 8005 1200", "homePhone": None, "middleName": None, "greeting": None,
            "suffix": None, "gender": None, "surveyResourceRating": None, "travelAvailabilityPct": "0%",
            "initials": first[0] + last[0], "userName": (first[0] + last).lower().replace("'", ""),
            "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}@harbourside-it.com.au",
            "userDefinedFields": [],
        }
        row.update(kw)
        return row

    api = {"resourceType": "Employee", "payrollType": None, "hireDate": None, "internalCost": None,
           "accountingReferenceID": None, "payrollIdentifier": None, "officePhone": None, "officeExtension": None,
           "mobilePhone": None, "defaultServiceDeskRoleID": None, "travelAvailabilityPct": None,
           "emailTypeCode": "PRIMARY", "initials": None, "locationID": HQ}
    return [
        r(R_DANIEL, "Daniel", "Whitford", "Managing Director", 1, 1, middleName="James", greeting=1, gender="M",
          hireDate=day("2014-08-04"), internalCost=95.0, accountingReferenceID="EMP-0001", payrollIdentifier="100001",
          officeExtension="201", mobilePhone="0412 604 118", homePhone="(02) 9555 0142", email2="dwhitford@outlook.com",
          emailTypeCode2="SECONDARY", defaultServiceDeskRoleID=ROLE_SENIOR, travelAvailabilityPct="up to 25%",
          surveyResourceRating=4.9),
        r(R_PRIYA, "Priya", "Raman", "Service Delivery Manager", 2, 3, greeting=3, gender="F",
          hireDate=day("2017-02-13"), internalCost=78.5, accountingReferenceID="EMP-0007", payrollIdentifier="100007",
          officeExtension="204", mobilePhone="0423 118 940", defaultServiceDeskRoleID=ROLE_L2,
          email3="0423118940@sms.harbourside-it.com.au", emailTypeCode3="SMS", surveyResourceRating=4.7,
          timeFormat="HH:mm"),
        r(R_TOM, "Tom", "Nguyen", "Systems Engineer", 7, 3, gender="M", hireDate=day("2019-07-01"), internalCost=62.0,
          accountingReferenceID="EMP-0012", payrollIdentifier="100012", officeExtension="0142",
          mobilePhone="0433 771 205", defaultServiceDeskRoleID=ROLE_L2, travelAvailabilityPct="up to 50%",
          email2="tom.nguyen@mobile.harbourside-it.com.au", emailTypeCode2="MOBILE", surveyResourceRating=4.6,
          dateFormat="yyyy-MM-dd", timeFormat="HH:mm"),
        r(R_CHLOE, "Chloe", "Bennett", "Service Desk Analyst", 7, 3, greeting=3, gender="F", middleName="",
          hireDate=day("2022-01-17"), internalCost=41.25, accountingReferenceID="EMP-0019",
          payrollIdentifier="100019", officeExtension="210", mobilePhone="0447 302 611",
          defaultServiceDeskRoleID=ROLE_L1, surveyResourceRating=4.8, payrollType=2),
        r(R_MARCUS, "Marcus", "O'Brien", "Senior Network Engineer", 5, 3, greeting=1, gender="M",
          hireDate=day("2016-10-10"), internalCost=71.0, accountingReferenceID="EMP-0005", payrollIdentifier="100005",
          officeExtension="206", mobilePhone="0409 883 120", defaultServiceDeskRoleID=ROLE_SENIOR,
          travelAvailabilityPct="up to 75%", surveyResourceRating=4.5, locationID=REMOTE_NSW, timeFormat="hh:mm tt"),
        r(R_HANNAH, "Hannah", "Kim", "Service Coordinator", 27, 4, gender="F", hireDate=day("2021-03-22"),
          internalCost=38.0, accountingReferenceID="EMP-0016", payrollIdentifier="100016", officeExtension="200",
          mobilePhone="0450 194 337", defaultServiceDeskRoleID=ROLE_ADMIN, payrollType=4),
        r(R_SOFIA, "Sofia", "Marino", "Account Manager", 4, 3, greeting=2, gender="F", hireDate=day("2018-05-28"),
          internalCost=58.0, accountingReferenceID="EMP-0009", payrollIdentifier="100009", officeExtension="202",
          mobilePhone="0416 550 782", defaultServiceDeskRoleID=ROLE_AM, numberFormat="X.XXX,XX",
          travelAvailabilityPct="up to 100%"),
        r(R_JOMAR, "Jomar", "Santos", "After Hours Engineer (contract)", 6, 8, gender="P", resourceType="Contractor",
          payrollType=3, hireDate=day("2023-09-04"), internalCost=24.0, accountingReferenceID="CTR-0003",
          payrollIdentifier=None, officePhone=None, officeExtension=None, mobilePhone="+63 917 555 0142",
          defaultServiceDeskRoleID=ROLE_AH, locationID=PHILIPPINES, dateFormat="MM/dd/yyyy", timeFormat="hh:mm tt",
          email="jomar.santos@contractor.harbourside-it.com.au", travelAvailabilityPct=None),
        r(R_BEN, "Ben", "Carter", "Service Desk Analyst", 7, 3, isActive=False, gender="N", hireDate=day("2020-02-03"),
          internalCost=39.0, accountingReferenceID="EMP-0014", payrollIdentifier="100014", officeExtension="211",
          mobilePhone=None, defaultServiceDeskRoleID=ROLE_L1, surveyResourceRating=4.1),
        r(R_NCENTRAL, "N-central", "Integration", "API user - N-able N-central", 13, 7,
          userName="k3v9qzt7xw2mfpd@HARBOURSIDEIT.COM.AU", email="k3v9qzt7xw2mfpd@HARBOURSIDEIT.COM.AU", **api),
        r(R_XERO, "Xero", "Sync", "API user - Xero", 25, 7, userName="x7r2mhq4ltb9cwe@HARBOURSIDEIT.COM.AU",
          email="x7r2mhq4ltb9cwe@HARBOURSIDEIT.COM.AU", **api),
    ]


def roles() -> list[dict]:
    def role(id_, name, rate, description, factor=1.0, **kw):
        return {"id": id_, "name": name, "description": description, "hourlyRate": rate, "hourlyFactor": factor,
                "isActive": True, "isExcludedFromNewContracts": False, "isSystemRole": False,
                "quoteItemDefaultTaxCategoryId": 1, "roleType": 1, "userDefinedFields": [], **kw}
    return [
        role(ROLE_L1, "Service Desk L1", 140.0, "First-line remote support"),
        role(ROLE_L2, "Service Desk L2", 165.0, "Second-line support and escalations"),
        role(ROLE_SENIOR, "Senior Engineer", 195.0, "Server, network and security engineering"),
        role(ROLE_PROJECT, "Project Engineer", 185.0, "Project and installation work"),
        role(ROLE_AM, "Account Manager", 150.0, "", isExcludedFromNewContracts=True),
        role(ROLE_AH, "After Hours Support", 140.0, "Work outside 8am-6pm AEST, billed at time and a half",
             factor=1.5),
        role(ROLE_ADMIN, "Administration", 0.0, "Internal administration", isSystemRole=True, roleType=2,
             quoteItemDefaultTaxCategoryId=None),
        role(ROLE_LEGACY, "Technician (pre-2020)", 120.0, "Replaced by Service Desk L1/L2", isActive=False,
             isExcludedFromNewContracts=True),
    ]


def billing_codes() -> list[dict]:
    def code(id_, name, use_type, **kw):
        row = {"id": id_, "name": name, "description": name, "useType": use_type, "billingCodeType": 0,
               "isActive": True, "isExcludedFromNewContracts": False, "afterHoursWorkType": None,
               "department": 29683384,
               "externalNumber": None, "generalLedgerAccount": None, "markupRate": None, "taxCategoryID": 1,
               "unitCost": None, "unitPrice": None, "userDefinedFields": []}
        row.update(kw)
        return row
    return [
        code(BC_REMOTE, "Remote Support", 1, afterHoursWorkType=BC_AH, externalNumber="200-REMOTE",
             generalLedgerAccount=200),
        code(BC_ONSITE, "Onsite Support", 1, afterHoursWorkType=BC_AH, externalNumber="200-ONSITE",
             generalLedgerAccount=200),
        code(BC_PROJECT, "Project Work", 1, externalNumber="210-PROJECT", generalLedgerAccount=210),
        code(BC_AH, "After Hours Support", 1, externalNumber="200-AH", generalLedgerAccount=200),
        code(BC_TRAVEL, "Travel", 1, externalNumber="220", generalLedgerAccount=220),
        code(BC_INT_ADMIN, "Internal - Administration", 3, taxCategoryID=None),
        code(BC_INT_TRAIN, "Internal - Training", 3, taxCategoryID=None, isExcludedFromNewContracts=True),
        code(BC_HARDWARE, "Hardware", 2, markupRate=0.15, externalNumber="300", generalLedgerAccount=300,
             unitCost=0.0, unitPrice=0.0),
        code(BC_SOFTWARE, "Software & Licensing", 2, markupRate=0.12, externalNumber="310", generalLedgerAccount=310,
             unitCost=0.0, unitPrice=0.0),
        code(BC_MANAGED, "Managed Services", 5, externalNumber="400", generalLedgerAccount=400),
        code(BC_BACKUP, "Backup & DR Services", 5, externalNumber="410", generalLedgerAccount=410),
        code(BC_EXPENSE, "Travel Expenses", 4, externalNumber="450", generalLedgerAccount=450, billingCodeType=0),
        code(BC_SETUP, "Onboarding & Setup Fees", 5, externalNumber="420", generalLedgerAccount=420),
    ]


def companies() -> list[dict]:
    def co(id_, name, ctype, city, postcode, phone, created, **kw):
        row = {
            "id": id_, "companyName": name, "companyType": ctype, "companyNumber": None, "isActive": True,
            "phone": phone, "fax": None, "alternatePhone1": None, "alternatePhone2": None, "address1": None,
            "address2": None, "additionalAddressInformation": None, "city": city, "state": "NSW",
            "postalCode": postcode, "countryID": 14, "webAddress": None, "classification": None,
            "marketSegmentID": None, "territoryID": 29683453, "ownerResourceID": R_SOFIA, "parentCompanyID": None,
            "createDate": created, "createdByResourceID": R_DANIEL, "impersonatorCreatorResourceID": None,
            "lastActivityDate": None, "lastTrackedModifiedDateTime": None, "currencyID": 1, "taxRegionID": 3,
            "taxID": None, "isTaxExempt": False, "isClientPortalActive": False, "isTaskFireActive": False,
            "isEnabledForComanaged": False, "invoiceNonContractItemsToParentCompany": False, "invoiceMethod": 1,
            "invoiceTemplateID": 102, "invoiceEmailMessageID": 1, "quoteTemplateID": 1, "quoteEmailMessageID": 2,
            "billToAddressToUse": 1, "billToAttention": None, "billingAddress1": None, "billingAddress2": None,
            "billToAdditionalAddressInformation": None, "billToCity": None, "billToState": None,
            "billToZipCode": None, "billToCountryID": None, "billToCompanyLocationID": None, "apiVendorID": None,
            "assetValue": None, "competitorID": None, "sicCode": None, "stockMarket": None, "stockSymbol": None,
            "surveyCompanyRating": None, "userDefinedFields": [],
        }
        row.update(kw)
        return row

    def client(glue, xero, onboarded):
        return udf(("IT Glue Organisation ID", glue), ("Xero Contact ID", xero), ("Onboarded", onboarded))

    return [
        co(C_OWN, "Harbourside IT", 1, "Sydney", "2000", "(02) 8006 4400", at("2014-09-01 00:00:00"),
           address1="Level 5, 1 Harbour Street", webAddress="www.harbourside-it.com.au", invoiceMethod=None,
           taxID="64 615 220 981", userDefinedFields=client(None, None, None)),
        co(C_BONDI, "Bondi Dental Group", 1, "Bondi Junction", "2022", "(02) 9387 4410", at("2018-03-05 01:12:40.103"),
           companyNumber="BONDI01", address1="Suite 4, 500 Oxford Street", webAddress="www.bondidental.com.au",
           classification=1, marketSegmentID=29683456, taxID="51 824 753 556", isClientPortalActive=True,
           lastActivityDate=at("2025-03-28 04:10:22.557"), lastTrackedModifiedDateTime=at("2025-02-11 23:40:05.19"),
           assetValue=48250.0, surveyCompanyRating=4.8, billToAttention="Accounts Payable",
           billingAddress1="PO Box 1180", billToCity="Bondi Junction", billToState="NSW", billToZipCode="1355",
           billToCountryID=14, billToAddressToUse=2, billToCompanyLocationID=412,
           userDefinedFields=client("4821907", "0f3c6a1e-2b7d-4e58-9a61-c2d8e4f07b13", "2018-04-01")),
        co(C_PFC, "Parramatta Freight Co", 1, "Parramatta", "2150", "(02) 9891 2200", at("2019-06-17 05:03:11.877"),
           companyNumber="PFC001", address1="18 Grand Avenue", address2="Unit 7",
           additionalAddressInformation="Loading dock entry via Grand Ave", webAddress="www.pfco.com.au",
           classification=2, marketSegmentID=29683457, taxID="33 104 982 771", isClientPortalActive=True,
           isEnabledForComanaged=True, lastActivityDate=at("2025-03-26 06:55:41"), alternatePhone1="(02) 9891 2299",
           fax="(02) 9891 2201", assetValue=61900.0, surveyCompanyRating=4.2,
           lastTrackedModifiedDateTime=at("2024-12-02 03:17:56.4"),
           userDefinedFields=client("4822015", "6d1f0b2c-8e39-47aa-b5c4-1e0a9f3d7c26", "2019-07-01")),
        co(C_COASTAL, "Coastal Legal Partners", 1, "Wollongong", "2500", "(02) 4228 7700",
           at("2020-09-01 00:41:09.33"), companyNumber="COASTAL", address1="Level 3, 90 Crown Street",
           webAddress="www.coastallegal.com.au", classification=1, marketSegmentID=29683458,
           taxID="72 611 094 385", lastActivityDate=at("2025-03-19 02:30:00"), surveyCompanyRating=5.0,
           userDefinedFields=client("4830662", "a9b84c17-3f02-4d6e-8a35-7e9c0b1d2f48", "2020-10-01")),
        co(C_NBP, "Northern Beaches Physiotherapy", 1, "Dee Why", "2099", "(02) 9971 3355",
           at("2021-02-08 22:19:50.8"), address1="2/14 Pittwater Road", webAddress="www.nbphysio.com.au",
           classification=3, taxID="15 390 227 604", lastActivityDate=at("2025-03-10 05:44:12.93"),
           userDefinedFields=client("4841120", None, "2021-03-01")),
        co(C_REDFERN, "Redfern Architecture Studio", 1, "Redfern", "2016", "(02) 9698 0412",
           at("2021-11-23 03:00:00"), companyNumber="RAS-01", address1="61 Regent Street",
           webAddress="redfernarch.studio",
           classification=2, marketSegmentID=29683459, lastActivityDate=at("2025-03-04 00:12:47.5"),
           userDefinedFields=client("4850073", "3e7d2a90-c4b1-4f86-9d0e-5a2b8c6f1e37", "2021-12-01")),
        co(C_MACQ, "Macquarie Street Accounting", 1, "Sydney", "2000", "(02) 9233 6100", at("2017-05-30 23:58:02.44"),
           companyNumber="MACQ-ACC", address1="Level 12, 167 Macquarie Street", webAddress="www.msaccounting.com.au",
           classification=1, marketSegmentID=29683460, taxID="88 002 715 319", isTaxExempt=False,
           lastActivityDate=at("2025-03-24 21:05:33.018"), assetValue=30500.0, sicCode="6952",
           userDefinedFields=client("4815588", "c1e0f9d2-7a84-4b3c-96e5-0d2f8a1b4c59", "2017-07-01")),
        co(C_WINERY, "Blue Mountains Estate Winery", 1, "Megalong Valley", "2785", "(02) 4787 9120",
           at("2022-04-11 04:26:18.9"), address1="1020 Megalong Road", webAddress="www.bmestate.com.au",
           classification=3, lastActivityDate=at("2025-03-12 03:40:00"),
           userDefinedFields=client(None, "5b2a9e0c-1d3f-4c87-a6b9-e8f0d2c4a713", "2022-05-01")),
        co(C_MOTORS, "Harbour City Motors", 1, "Alexandria", "2015", "(02) 9310 5500", at("2020-01-20 01:05:44.7"),
           companyNumber="HCM", address1="240 Botany Road", webAddress="www.harbourcitymotors.com.au",
           classification=2, marketSegmentID=29683461, stockMarket="ASX", stockSymbol="HCM",
           lastActivityDate=at("2025-03-14 09:30:00.123"),
           userDefinedFields=client("4826431", "e4c3b2a1-9f8e-4d7c-b6a5-0123456789ab", "2020-02-01")),
        co(C_RANDWICK, "Bondi Dental Group - Randwick Clinic", 1, "Randwick", "2031", "(02) 9399 2040",
           at("2023-08-14 23:30:11.265"), parentCompanyID=C_BONDI, address1="112 Belmore Road",
           invoiceNonContractItemsToParentCompany=True, classification=1, lastActivityDate=at("2025-03-17 00:08:36.2"),
           userDefinedFields=client("4901277", None, "2023-09-01")),
        co(C_INGRAM, "Ingram Micro Australia", 7, "Macquarie Park", "2113", "1300 654 270",
           at("2014-09-01 00:00:00"), address1="61 Dunning Avenue", webAddress="au.ingrammicro.com",
           ownerResourceID=R_DANIEL, invoiceMethod=None, taxID="32 001 860 325",
           userDefinedFields=udf(("IT Glue Organisation ID", None), ("Xero Contact ID",
                                                                     "7a6b5c4d-3e2f-4109-8a7b-6c5d4e3f2a10"),
                                 ("Onboarded", None))),
        co(C_CRONULLA, "Cronulla Surf Supplies", 3, "Cronulla", "2230", "(02) 9523 8870", at("2025-01-09 00:47:13.66"),
           address1="9 Cronulla Street", competitorID=3, apiVendorID=9, impersonatorCreatorResourceID=R_SOFIA,
           createdByResourceID=R_XERO, userDefinedFields=client(None, None, None)),
        co(C_MANLY, "Manly Print House", 6, "Manly", "2095", "(02) 9977 1408", at("2019-03-18 02:14:00.5"),
           isActive=False, address1="33 Belgrave Street", lastActivityDate=at("2024-06-28 06:30:12.71"),
           userDefinedFields=client("4819003", "9d8c7b6a-5f4e-4d3c-a2b1-0f9e8d7c6b5a", "2019-04-01")),
        co(C_DICKER, "Dicker Data Limited", 7, "Kurnell", "2231", "(02) 9525 2122", at("2014-09-01 00:00:00"),
           address1="230 Captain Cook Drive", webAddress="www.dickerdata.com.au", ownerResourceID=R_DANIEL,
           invoiceMethod=None, stockMarket="ASX", stockSymbol="DDR", taxID="95 000 969 362",
           userDefinedFields=udf(("IT Glue Organisation ID", None), ("Xero Contact ID",
                                                                     "1f2e3d4c-5b6a-4798-8695-a4b3c2d1e0f9"),
                                 ("Onboarded", None))),
    ]


def contacts() -> list[dict]:
    def ct(id_, company, first, last, title, email, created, **kw):
        row = {
            "id": id_, "companyID": company, "firstName": first, "lastName": last, "title": title,
            "emailAddress": email, "emailAddress2": None, "emailAddress3": None, "isActive": 1, "primaryContact": False,
            "phone": None, "extension": None, "mobilePhone": None, "alternatePhone": None, "faxNumber": None,
            "addressLine": None, "addressLine1": None, "additionalAddressInformation": None, "city": None,
            "state": None, "zipCode": None, "countryID": 14, "companyLocationID": None, "createDate": created,
            "lastActivityDate": None, "lastModifiedDate": created, "middleInitial": None, "namePrefix": None,
            "nameSuffix": None, "note": None, "roomNumber": None, "externalID": None, "apiVendorID": None,
            "impersonatorCreatorResourceID": None, "receivesEmailNotifications": True,
            "isOptedOutFromBulkEmail": False, "bulkEmailOptOutTime": None, "solicitationOptOut": False,
            "solicitationOptOutTime": None, "surveyOptOut": False, "facebookUrl": None, "linkedInUrl": None,
            "twitterUrl": None, "userDefinedFields": udf(("Preferred Contact Method", "Email")),
        }
        row.update(kw)
        return row
    return [
        ct(P_EMMA, C_BONDI, "Emma", "Lawson", "Principal Dentist", "emma.lawson@bondidental.com.au",
           at("2018-03-05 01:20:00"), primaryContact=True, namePrefix=2, phone="(02) 9387 4410", extension="1",
           mobilePhone="0414 220 318", companyLocationID=412, lastActivityDate=at("2025-03-20 23:15:09.12"),
           linkedInUrl="https://www.linkedin.com/in/emmalawson-dds"),
        ct(P_RAJ, C_BONDI, "Raj", "Patel", "Practice Accountant", "accounts@bondidental.com.au",
           at("2018-04-10 00:02:31.5"), phone="(02) 9387 4410", extension="4", receivesEmailNotifications=False,
           isOptedOutFromBulkEmail=True, bulkEmailOptOutTime=at("2022-07-01 02:00:00"),
           userDefinedFields=udf(("Preferred Contact Method", "Phone"))),
        ct(P_STEVE, C_PFC, "Steve", "Kovac", "Operations Manager", "steve.kovac@pfco.com.au",
           at("2019-06-17 05:10:00"), primaryContact=True, namePrefix=1, mobilePhone="0438 019 552",
           lastActivityDate=at("2025-03-26 06:55:41"), addressLine="18 Grand Avenue", city="Parramatta",
           state="NSW", zipCode="2150"),
        ct(P_MEI, C_PFC, "Mei", "Chen", "Dispatch Coordinator", "mei.chen@pfco.com.au", at("2021-08-02 23:44:18.06"),
           phone="(02) 9891 2210", middleInitial="L", roomNumber="Dispatch office", externalID="DD-20418"),
        ct(P_OLIVIA, C_COASTAL, "Olivia", "Grant", "Office Manager", "ogrant@coastallegal.com.au",
           at("2020-09-01 00:45:00"), primaryContact=True, namePrefix=3, phone="(02) 4228 7700",
           emailAddress2="olivia.grant@gmail.com", solicitationOptOut=True,
           solicitationOptOutTime=at("2023-02-14 03:20:00")),
        ct(P_JACK, C_NBP, "Jack", "Thompson", "Clinic Director", "jack@nbphysio.com.au", at("2021-02-08 22:25:00"),
           primaryContact=True, mobilePhone="0402 551 907", note="Prefers SMS for urgent issues"),
        ct(P_AISHA, C_REDFERN, "Aisha", "Rahman", "Studio Manager", "aisha.rahman@redfernarch.studio",
           at("2021-11-23 03:05:00"), primaryContact=True, phone="(02) 9698 0412",
           twitterUrl="https://x.com/redfernarch",
           facebookUrl="https://www.facebook.com/redfernarchitecture"),
        ct(P_PETER, C_MACQ, "Peter", "Walsh", "Managing Partner", "pwalsh@msaccounting.com.au",
           at("2017-05-31 00:05:00"), primaryContact=True, namePrefix=1, phone="(02) 9233 6100", extension="100",
           alternatePhone="(02) 9233 6199", faxNumber="(02) 9233 6101", surveyOptOut=True),
        ct(P_LUCY, C_MACQ, "Lucy", "Ng", "Accounts Administrator", "lucy.ng@msaccounting.com.au",
           at("2022-10-04 22:50:37.7"), emailAddress3="accounts@msaccounting.com.au"),
        ct(P_ISABELLA, C_WINERY, "Isabella", "Rossi", "General Manager", "isabella@bmestate.com.au",
           at("2022-04-11 04:30:00"), primaryContact=True, mobilePhone="0419 660 234",
           additionalAddressInformation="Cellar door office", addressLine1="1020 Megalong Road"),
        ct(P_GARY, C_MOTORS, "Gary", "Mitchell", "Dealer Principal", "gary.mitchell@harbourcitymotors.com.au",
           at("2020-01-20 01:10:00"), primaryContact=True, phone="(02) 9310 5500", nameSuffix=None),
        ct(P_SAM, C_RANDWICK, "Sam", "Oduya", "Practice Manager", "sam.oduya@bondidental.com.au",
           at("2023-08-14 23:35:00"), primaryContact=True, phone="(02) 9399 2040"),
        ct(P_KAREN, C_INGRAM, "Karen", "Doyle", "Partner Account Manager", "karen.doyle@ingrammicro.com",
           at("2016-02-22 22:00:00"), primaryContact=True, mobilePhone="0421 887 310", receivesEmailNotifications=False,
           apiVendorID=None, userDefinedFields=udf(("Preferred Contact Method", None))),
        ct(P_TYLER, C_CRONULLA, "Tyler", "Brooks", "Owner", "tyler@cronullasurf.com.au", at("2025-01-09 00:50:02.4"),
           primaryContact=True, impersonatorCreatorResourceID=R_SOFIA, apiVendorID=9),
        ct(P_NICK, C_MANLY, "Nick", "Papadopoulos", "Director", "nick@manlyprinthouse.com.au",
           at("2019-03-18 02:20:00"), isActive=0, primaryContact=True, lastModifiedDate=at("2024-07-01 00:30:44.9")),
    ]


def services() -> list[dict]:
    def sv(id_, name, price, cost, code, created, **kw):
        row = {"id": id_, "name": name, "description": name, "invoiceDescription": name, "unitPrice": price,
               "unitCost": cost, "markupRate": None, "periodType": 2, "billingCodeID": code, "isActive": True,
               "createDate": created, "creatorResourceID": R_DANIEL, "lastModifiedDate": created,
               "updateResourceID": R_DANIEL, "serviceLevelAgreementID": SLA_BASIC, "vendorCompanyID": None,
               "userDefinedFields": udf(("Xero Item Code", None))}
        row.update(kw)
        return row
    return [
        sv(S_WKS, "Managed Workstation", 55.0, 14.5, BC_MANAGED, at("2017-06-01 00:00:00"),
           invoiceDescription="Managed workstation - monitoring, patching, antivirus and support",
           lastModifiedDate=at("2024-07-01 01:12:09.8"), updateResourceID=R_PRIYA,
           userDefinedFields=udf(("Xero Item Code", "MS-WKS"))),
        sv(S_SRV, "Managed Server", 220.0, 48.0, BC_MANAGED, at("2017-06-01 00:00:00"),
           serviceLevelAgreementID=SLA_24X7,
           userDefinedFields=udf(("Xero Item Code", "MS-SRV"))),
        sv(S_M365, "Microsoft 365 Business Premium", 36.3, 29.7, BC_MANAGED, at("2022-03-01 02:40:00"),
           vendorCompanyID=C_DICKER, markupRate=0.2222,
           description="Microsoft 365 Business Premium (NCE, monthly term)",
           userDefinedFields=udf(("Xero Item Code", "LIC-M365BP"))),
        sv(S_SAAS, "Datto SaaS Protection (per user)", 6.5, 3.1, BC_BACKUP, at("2022-03-01 02:45:00"),
           vendorCompanyID=C_INGRAM),
        sv(S_BCDR, "Datto BCDR - appliance monitoring and offsite", 180.0, 96.0, BC_BACKUP, at("2019-01-14 23:10:00"),
           serviceLevelAgreementID=SLA_24X7, userDefinedFields=udf(("Xero Item Code", "BCDR-MON"))),
        sv(S_FW, "Managed Firewall", 95.0, 20.0, BC_MANAGED, at("2019-01-14 23:12:00")),
        sv(S_HELPDESK, "Helpdesk User", 75.0, 0.0, BC_MANAGED, at("2020-07-01 00:00:00"),
           invoiceDescription="Unlimited remote helpdesk, per user"),
        sv(S_EMAIL, "Hosted Exchange Mailbox (legacy)", 12.0, 4.0, BC_MANAGED, at("2014-10-01 00:00:00"),
           isActive=False, lastModifiedDate=at("2023-06-30 06:00:00"), updateResourceID=R_PRIYA,
           serviceLevelAgreementID=None),
    ]


def products() -> list[dict]:
    def pr(id_, name, internal, sku, cost, price, **kw):
        row = {"id": id_, "name": name, "description": name, "internalProductID": internal, "sku": sku,
               "externalProductID": None, "vendorProductNumber": None, "manufacturerName": None,
               "manufacturerProductName": None, "link": None, "unitCost": cost, "unitPrice": price, "msrp": None,
               "markupRate": None, "billingType": 1, "periodType": None, "priceCostMethod": 1, "productCategory": 1,
               "productBillingCodeID": BC_HARDWARE, "chargeBillingCodeID": BC_HARDWARE, "defaultVendorID": C_INGRAM,
               "doesNotRequireProcurement": False, "isActive": True, "isEligibleForRma": True, "isSerialized": True,
               "impersonatorCreatorResourceID": None,
               "userDefinedFields": udf(("Distributor", "Ingram Micro"), ("Warranty Months", "36"))}
        row.update(kw)
        return row

    licence = {"periodType": 2, "productCategory": 4, "productBillingCodeID": BC_SOFTWARE,
               "chargeBillingCodeID": BC_SOFTWARE, "defaultVendorID": C_DICKER, "doesNotRequireProcurement": True,
               "isEligibleForRma": False, "isSerialized": False, "manufacturerName": "Microsoft",
               "userDefinedFields": udf(("Distributor", "Dicker Data"), ("Warranty Months", None))}
    return [
        pr(PR_M365BP, "Microsoft 365 Business Premium (NCE, monthly)", "MS-365-BP", "MS-365-BP-M", 29.7, 36.3,
           externalProductID="CFQ7TTC0LCHC:0002", manufacturerProductName="Microsoft 365 Business Premium",
           link="https://www.microsoft.com/en-au/microsoft-365/business/microsoft-365-business-premium", msrp=36.3,
           markupRate=0.2222, priceCostMethod=2, billingType=2, **licence),
        pr(PR_M365BS, "Microsoft 365 Business Standard (NCE, annual)", "MS-365-BS", "MS-365-BS-A", 17.6, 21.6,
           externalProductID="CFQ7TTC0LDPB:0001", manufacturerProductName="Microsoft 365 Business Standard",
           msrp=21.6, billingType=2, **licence),
        pr(PR_EXO, "Exchange Online (Plan 1)", "MS-EXO-P1", "MS-EXO-P1-M", 5.9, 7.2,
           externalProductID="CFQ7TTC0LH16:0001", manufacturerProductName="Exchange Online (Plan 1)",
           **{**licence, "isActive": False}),
        pr(PR_LAT, 'Dell Latitude 5440 14" i5 16GB 512GB', "HW-LAT5440", "N010L544014AU", 1380.0, 1650.0,
           externalProductID="IM-8865412", vendorProductNumber="210-BFZX", manufacturerName="Dell",
           manufacturerProductName="Latitude 5440", msrp=1815.0, markupRate=0.1957,
           link="https://www.dell.com/en-au/shop/laptops/latitude-5440/spd/latitude-14-5440-laptop",
           impersonatorCreatorResourceID=R_SOFIA),
        pr(PR_OPT, "Dell OptiPlex 7010 Micro i5 16GB 256GB", "HW-OPT7010M", "N004O7010MFFAU", 1020.0, 1250.0,
           externalProductID="IM-8861077", vendorProductNumber="210-BFXC", manufacturerName="Dell",
           manufacturerProductName="OptiPlex 7010 Micro", msrp=1375.0),
        pr(PR_PE, "Dell PowerEdge T360 Tower Server", "HW-PE-T360", "PET360AU-01", 4890.0, 5990.0,
           externalProductID="IM-8870230", vendorProductNumber="210-BKRY", manufacturerName="Dell",
           manufacturerProductName="PowerEdge T360", productCategory=2),
        pr(PR_FG, "Fortinet FortiGate 60F", "NET-FG-60F", "FG-60F", 690.0, 895.0, externalProductID="IM-5521904",
           vendorProductNumber="FG-60F", manufacturerName="Fortinet", manufacturerProductName="FortiGate 60F",
           productCategory=3, msrp=950.0),
        pr(PR_SIRIS, "Datto SIRIS S4 2TB", "BCDR-S4-2TB", "S4-2", 3150.0, 3990.0, vendorProductNumber="S4-2",
           manufacturerName="Datto", manufacturerProductName="SIRIS S4", productCategory=2, defaultVendorID=C_INGRAM,
           userDefinedFields=udf(("Distributor", "Datto direct"), ("Warranty Months", "60"))),
        pr(PR_DAP, "Datto AP62 Wi-Fi 6 Access Point", "NET-DAP62", "AP62", 310.0, 420.0, vendorProductNumber="AP62",
           manufacturerName="Datto", manufacturerProductName="AP62", productCategory=3),
        pr(PR_DSW, "Datto DSW250-24P Managed Switch", "NET-DSW24", "DSW250-24P", 890.0, 1190.0,
           vendorProductNumber="DSW250-24P", manufacturerName="Datto", manufacturerProductName="DSW250-24P",
           productCategory=3),
        pr(PR_U6, "Ubiquiti UniFi U6 Pro", "NET-U6-PRO", "U6-PRO", 245.0, 329.0, externalProductID="IM-7730118",
           manufacturerName="Ubiquiti", manufacturerProductName="UniFi U6 Pro", productCategory=3,
           isEligibleForRma=False),
        pr(PR_YEALINK, "Yealink T54W IP Phone", "VOIP-T54W", "SIP-T54W", 219.0, 289.0, externalProductID="IM-6640251",
           manufacturerName="Yealink", manufacturerProductName="SIP-T54W", productCategory=3, markupRate=0.3196),
        pr(PR_UPS, "APC Back-UPS Pro 1500VA (discontinued)", "004512", "BR1500GI", 410.0, 549.0, isActive=False,
           externalProductID="IM-0041870", vendorProductNumber="BR1500GI", manufacturerName="APC by Schneider Electric",
           manufacturerProductName="Back-UPS Pro 1500", productCategory=2, priceCostMethod=3,
           userDefinedFields=udf(("Distributor", "Ingram Micro"), ("Warranty Months", "24"))),
    ]


# Contract services (contract -> service lines)
(CS_BONDI_WKS, CS_BONDI_SRV, CS_BONDI_BCDR, CS_BONDI_FW, CS_PFC_WKS, CS_PFC_HD, CS_PFC_M365, CS_PFCOLD_WKS,
 CS_PFCOLD_EMAIL, CS_COASTAL_M365, CS_COASTAL_SAAS, CS_REDFERN_WKS, CS_REDFERN_HD, CS_MACQ_SRV, CS_MACQ_BCDR,
 CS_MOTORS_FW, CS_RANDWICK_WKS, CS_MANLY_WKS) = range(29684101, 29684119)


def _rmm(device_id, uid, host, ip, mac, os_name, *, external_ip, last_user=None, memory=None, storage=None,
         device_type=1, manufacturer=12, model=None, processor=None, motherboard=None, display=None, domain=None,
         patches=0, alerts=0, description=None, service_pack=None, av=1, backup=None, patch_status=1, software=1,
         architecture=2, **kw) -> dict:
    """The rmmDeviceAudit* block an RMM integration (here N-able N-central) writes on a device it manages."""
    return {
        "rmmDeviceID": device_id, "rmmDeviceUID": uid, "rmmOpenAlertCount": alerts,
        "rmmDeviceAuditHostname": host, "rmmDeviceAuditIPAddress": ip, "rmmDeviceAuditExternalIPAddress": external_ip,
        "rmmDeviceAuditMacAddress": mac, "rmmDeviceAuditOperatingSystem": os_name, "rmmDeviceAuditLastUser": last_user,
        "rmmDeviceAuditMemoryBytes": memory, "rmmDeviceAuditStorageBytes": storage,
        "rmmDeviceAuditDeviceTypeID": device_type, "rmmDeviceAuditManufacturerID": manufacturer,
        "rmmDeviceAuditModelID": model, "rmmDeviceAuditProcessorID": processor,
        "rmmDeviceAuditMotherboardID": motherboard, "rmmDeviceAuditDisplayAdaptorID": display,
        "rmmDeviceAuditDomainID": domain, "rmmDeviceAuditMissingPatchCount": patches,
        "rmmDeviceAuditDescription": description, "rmmDeviceAuditServicePackID": service_pack,
        "rmmDeviceAuditAntivirusStatusID": av, "rmmDeviceAuditBackupStatusID": backup,
        "rmmDeviceAuditPatchStatusID": patch_status, "rmmDeviceAuditSoftwareStatusID": software,
        "rmmDeviceAuditArchitectureID": architecture, "apiVendorID": 20, **kw,
    }


def configuration_items() -> list[dict]:
    def ci(id_, company, product, title, ctype, serial, created, **kw):
        row = {k: None for k in SCHEMA["ConfigurationItem"] if k != "userDefinedFields"}
        row.update({
            "id": id_, "companyID": company, "productID": product, "referenceTitle": title,
            "configurationItemType": ctype, "configurationItemCategoryID": 101, "serialNumber": serial,
            "isActive": True, "createDate": created, "createdByPersonID": R_HANNAH, "lastModifiedTime": created,
            "installedByID": R_TOM, "lastActivityPersonID": R_TOM, "lastActivityPersonType": 1,
            "serviceLevelAgreementID": SLA_BASIC, "dailyCost": 0.0, "hourlyCost": 0.0, "monthlyCost": 0.0,
            "perUseCost": 0.0, "setupFee": 0.0, "numberOfUsers": None, "vendorID": C_INGRAM,
            "userDefinedFields": udf(("IT Glue Configuration ID", None), ("Backup Policy", None)),
        })
        row.update(kw)
        return row

    return [
        ci(CI_BDG_PC, C_BONDI, PR_OPT, "BDG-RECEP-01", 1, "7HQ2JX3", at("2023-05-02 03:14:27.61"),
           referenceNumber="ASSET-00417", location="Reception desk, Level 1", contactID=P_EMMA,
           contractID=CT_BONDI, contractServiceID=CS_BONDI_WKS, serviceID=S_WKS, companyLocationID=412,
           installDate=day("2023-05-02"), warrantyExpirationDate=day("2026-05-01"), monthlyCost=14.5,
           lastModifiedTime=at("2025-03-27 18:02:11.4"), impersonatorCreatorResourceID=R_TOM,
           userDefinedFields=udf(("IT Glue Configuration ID", "3312094"), ("Backup Policy", "None - workstation")),
           **_rmm(1843201, "6f1d3c2e-8a47-4b9e-a0c5-2d7e9f418b36", "BDG-RECEP-01", "10.10.1.21", "F4:8E:38:AA:12:01",
                  "Microsoft Windows 11 Pro", external_ip="203.0.113.45", last_user="BONDIDENTAL\\reception",
                  memory=17179869184, storage=256060514304, model=3307, processor=881, motherboard=1204, display=77,
                  domain=14, patches=3, service_pack=0, description="Dell OptiPlex 7010 Micro")),
        ci(CI_BDG_SRV, C_BONDI, PR_PE, "BDG-SRV01", 2, "CN0X4R7", at("2023-05-09 06:00:00"),
           referenceNumber="ASSET-00421", location="Comms cabinet", contactID=P_EMMA, contractID=CT_BONDI,
           contractServiceID=CS_BONDI_SRV, serviceID=S_SRV, installDate=day("2023-05-09"),
           warrantyExpirationDate=day("2028-05-08"), serviceLevelAgreementID=SLA_24X7, monthlyCost=48.0,
           notes="Hyper-V host: DC01, DENTALAPP01 (Dental4Windows)", numberOfUsers=14.0,
           userDefinedFields=udf(("IT Glue Configuration ID", "3312101"), ("Backup Policy", "Datto SIRIS hourly")),
           **_rmm(1843188, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", "BDG-SRV01", "10.10.1.5", "B0:7B:25:3C:91:E4",
                  "Microsoft Windows Server 2022 Standard", external_ip="203.0.113.45",
                  last_user="BONDIDENTAL\\hsadmin",
                  memory=68719476736, storage=3840755982336, device_type=2, model=4410, processor=902,
                  motherboard=1311, display=12, domain=14, patches=0, alerts=1, backup=1, service_pack=0,
                  description="Dell PowerEdge T360")),
        ci(CI_BDG_FW, C_BONDI, PR_FG, "BDG-FW01", 3, "FGT60FTK21012345", at("2023-05-09 06:20:00"),
           referenceNumber="ASSET-00422", location="Comms cabinet", contractID=CT_BONDI, contractServiceID=CS_BONDI_FW,
           serviceID=S_FW, installDate=day("2023-05-09"), warrantyExpirationDate=day("2026-05-08"),
           installedByID=R_MARCUS, lastActivityPersonID=R_MARCUS,
           **_rmm(1843190, "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293", "BDG-FW01", "10.10.1.1", "70:4C:A5:61:0B:2E",
                  "FortiOS 7.2.10", external_ip="203.0.113.45", device_type=5, manufacturer=41, architecture=None,
                  av=None, patch_status=None, software=None, rmmDeviceAuditSNMPContact="noc@harbourside-it.com.au",
                  rmmDeviceAuditSNMPLocation="Bondi Junction - comms cabinet", rmmDeviceAuditSNMPName="BDG-FW01")),
        ci(CI_BDG_SIRIS, C_BONDI, PR_SIRIS, "BDG-SIRIS01", 4, "A4BF01C2D3E4", at("2023-05-10 02:45:30.5"),
           referenceNumber="ASSET-00423", location="Comms cabinet", contractID=CT_BONDI,
           contractServiceID=CS_BONDI_BCDR, serviceID=S_BCDR, installDate=day("2023-05-10"),
           warrantyExpirationDate=day("2028-05-09"), serviceLevelAgreementID=SLA_24X7, vendorID=None,
           installedByID=R_MARCUS, monthlyCost=96.0, apiVendorID=None,
           notes="Protects BDG-SRV01 (2 agents); offsite retention 1 year",
           userDefinedFields=udf(("IT Glue Configuration ID", "3312117"),
                                 ("Backup Policy", "Hourly local, daily offsite")),
           dattoHostname="BDG-SIRIS01", dattoSerialNumber="A4BF01C2D3E4", dattoInternalIP="10.0.0.12",
           dattoRemoteIP="203.0.113.45", dattoAvailableKilobytes=1415577600, dattoUsedKilobytes=534773760,
           dattoProtectedKilobytes=902823936, dattoOffsiteUsedBytes=1287702609920, dattoPercentageUsed=27.42,
           dattoUptimeSeconds=1987215, dattoNumberOfAgents=2, dattoNumberOfDrives=2, dattoNumberOfVolumes=3,
           dattoDeviceMemoryMegabytes=16384, dattoNICSpeedKilobitsPerSecond=1000000, dattoDrivesErrors=False,
           dattoLastCheckInDateTime=at("2025-03-30 22:55:04.81"), dattoKernelVersionID=51, dattoOSVersionID=17,
           dattoZFSVersionID=9),
        ci(CI_PFC_LAPTOP, C_PFC, PR_LAT, "PFC-LT-014", 1, "9XK3LW2", at("2024-02-19 04:11:52.07"),
           referenceNumber="PFC-0014", location="Dispatch", contactID=P_MEI, contractID=CT_PFC,
           contractServiceID=CS_PFC_WKS, serviceID=S_WKS, installDate=day("2024-02-20"),
           warrantyExpirationDate=day("2027-02-19"), installedByContactID=P_STEVE, lastActivityPersonID=P_MEI,
           lastActivityPersonType=2, monthlyCost=14.5, setupFee=150.0,
           **_rmm(2210457, "9e8d7c6b-5a49-4382-b1f0-e9d8c7b6a594", "PFC-LT-014", "192.168.20.63", "3C:52:82:7D:10:AF",
                  "Microsoft Windows 11 Pro", external_ip="198.51.100.20", last_user="PFCO\\mei.chen",
                  memory=17179869184, storage=512110190592, model=3321, processor=884, motherboard=1207, display=79,
                  domain=22, patches=1, device_type=3, rmmDeviceAuditMobileNumber="0412 555 019",
                  rmmDeviceAuditMobileNetworkOperatorID=3)),
        ci(CI_PFC_SWITCH, C_PFC, PR_DSW, "PFC-SW01", 3, "DSW24P-0D91E2", at("2024-03-04 00:30:00"),
           referenceNumber="PFC-0020", location="Warehouse rack", deviceNetworkingID="AC:86:74:3C:51:0E",
           contractID=CT_PFC, installDate=day("2024-03-04"), warrantyExpirationDate=day("2029-03-03"),
           installedByID=R_MARCUS, vendorID=C_INGRAM, hourlyCost=0.0, perUseCost=0.0),
        ci(CI_PFC_AP, C_PFC, PR_DAP, "PFC-AP-WAREHOUSE", 3, "AP62-7F30B1", at("2024-03-04 00:42:00"),
           referenceNumber="PFC-0021", location="Warehouse, north wall", deviceNetworkingID="AC:86:74:1B:2F:90",
           parentConfigurationItemID=CI_PFC_SWITCH, contractID=CT_PFC, installDate=day("2024-03-04"),
           warrantyExpirationDate=day("2029-03-03"), installedByID=R_MARCUS),
        ci(CI_COASTAL_M365, C_COASTAL, PR_M365BP, "coastallegal.onmicrosoft.com - M365 Business Premium", 6, None,
           at("2022-03-01 03:00:00"), referenceNumber="coastallegal.onmicrosoft.com", contactID=P_OLIVIA,
           contractID=CT_COASTAL, contractServiceID=CS_COASTAL_M365, serviceID=S_M365, numberOfUsers=18.0,
           monthlyCost=534.6, vendorID=C_DICKER, installDate=day("2022-03-01"), warrantyExpirationDate=None,
           installedByID=R_PRIYA, dailyCost=17.58,
           notes="Tenant id 8b1e6f0a-4c2d-4e9b-a7f3-5d0c9e2b1a64; licences via Dicker Data CSP"),
        ci(CI_NBP_PHONE, C_NBP, PR_YEALINK, "NBP Reception handset", 7, "5314D0192837", at("2023-11-07 23:05:00"),
           referenceNumber="NBP-PH-01", location="Reception", contactID=P_JACK, installDate=day("2023-11-08"),
           warrantyExpirationDate=day("2024-11-07"), installedByID=R_CHLOE, lastActivityPersonID=R_CHLOE),
        ci(CI_REDFERN_PC, C_REDFERN, PR_OPT, "RAS-CAD-03", 1, "2BRP5K4", at("2024-06-12 01:18:44.9"),
           referenceNumber="RAS-003", location="Studio floor", contactID=P_AISHA, contractID=CT_REDFERN,
           contractServiceID=CS_REDFERN_WKS, serviceID=S_WKS, installDate=day("2024-06-12"),
           warrantyExpirationDate=day("2027-06-11"), monthlyCost=14.5,
           **_rmm(2398810, "1b2c3d4e-5f60-4718-a9b0-c1d2e3f40516", "RAS-CAD-03", "10.20.0.33", "D8:BB:C1:44:07:5A",
                  "Microsoft Windows 11 Pro for Workstations", external_ip="198.51.100.77", last_user="RAS\\dkowalski",
                  memory=68719476736, storage=1024209543168, model=3307, processor=890, motherboard=1204, display=95,
                  patches=0)),
        ci(CI_MACQ_SRV, C_MACQ, PR_PE, "MSA-SRV02 (decommissioned)", 2, "HW7T2M1", at("2018-02-26 05:00:00"),
           isActive=False, referenceNumber="MSA-SRV-02", location="Level 12 comms room", contactID=P_PETER,
           installDate=day("2018-02-27"), warrantyExpirationDate=day("2023-02-26"),
           lastModifiedTime=at("2024-11-29 04:40:10.6"), notes="Replaced by Azure VM in Nov 2024",
           installedByID=R_DANIEL, lastActivityPersonID=R_PRIYA,
           **_rmm(1502266, "5c4b3a29-1807-4f6e-9d5c-4b3a29180716", "MSA-SRV02", "172.16.0.10", "24:6E:96:0A:33:C1",
                  "Microsoft Windows Server 2016 Standard", external_ip="192.0.2.140", device_type=2,
                  memory=34359738368,
                  storage=1999844147200, patches=27, patch_status=3, av=2, backup=2, model=2107, processor=640,
                  service_pack=0, description="Decommissioned 2024-11-29")),
        ci(CI_MOTORS_AP, C_MOTORS, PR_U6, "HCM-Showroom-AP2", 3, "U6PRO-B1C2D3", at("2022-09-15 02:10:00"),
           referenceNumber="HCM-AP-02", location="Showroom ceiling, east", contractID=CT_MOTORS,
           contractServiceID=CS_MOTORS_FW, serviceID=S_FW, installDate=day("2022-09-15"),
           warrantyExpirationDate=day("2023-09-14"), installedByID=R_MARCUS, vendorID=None),
        ci(CI_WINERY_UPS, C_WINERY, PR_UPS, "Cellar door UPS", 8, "3B2210X04512", at("2022-05-03 00:00:00"),
           referenceNumber="BME-UPS-01", location="Cellar door office", contactID=P_ISABELLA,
           installDate=day("2022-05-03"), warrantyExpirationDate=day("2024-05-02"), installedByID=R_TOM,
           installedByContactID=P_ISABELLA),
    ]


def contracts() -> list[dict]:
    def ct(id_, company, name, number, ctype, status, start, end, **kw):
        row = {
            "id": id_, "companyID": company, "contractName": name, "contractNumber": number, "contractType": ctype,
            "status": status, "startDate": start, "endDate": end, "contractCategory": 16, "contractPeriodType": 2,
            "billingPreference": 2, "isDefaultContract": False, "isCompliant": True, "description": None,
            "contactID": None, "contactName": None, "billToCompanyID": None, "billToCompanyContactID": None,
            "contractExclusionSetID": None, "exclusionContractID": None, "renewedContractID": None,
            "opportunityID": None, "organizationalLevelAssociationID": 1, "purchaseOrderNumber": "",
            "serviceLevelAgreementID": SLA_BASIC, "setupFee": 0.0, "setupFeeBillingCodeID": None,
            "internalCurrencySetupFee": 0.0, "overageBillingRate": None, "internalCurrencyOverageBillingRate": None,
            "estimatedCost": 0.0, "estimatedHours": 0.0, "estimatedRevenue": 0.0,
            "timeReportingRequiresStartAndStopTimes": 1, "lastModifiedDateTime": at("2024-07-01 00:00:00"),
            "userDefinedFields": udf(("Indexation %", "0.00"), ("Notice Period (days)", "30")),
        }
        row.update(kw)
        return row
    evergreen = day("9999-12-31")
    return [
        ct(CT_BONDI, C_BONDI, "Bondi Dental Group - Managed Services Agreement", "HIT-MSA-2023-014", 7, 1,
           day("2023-07-01"), day("2026-06-30"), isDefaultContract=True, contactID=P_EMMA, contactName="Emma Lawson",
           billToCompanyID=C_BONDI, billToCompanyContactID=P_RAJ, contractExclusionSetID=EXCLUSION_SET,
           exclusionContractID=CT_BONDI_TM, opportunityID=29687001, purchaseOrderNumber="PO-88213",
           setupFee=1500.0, setupFeeBillingCodeID=BC_SETUP, internalCurrencySetupFee=1500.0,
           overageBillingRate=165.0, internalCurrencyOverageBillingRate=165.0, estimatedCost=21400.0,
           estimatedHours=96.0, estimatedRevenue=52800.0, serviceLevelAgreementID=SLA_24X7,
           description="3-year MSA: workstations, server, BCDR and firewall; projects excluded (see T&M contract)",
           lastModifiedDateTime=at("2025-01-14 23:02:51.367"),
           userDefinedFields=udf(("Indexation %", "3.50"), ("Notice Period (days)", "90"))),
        ct(CT_BONDI_TM, C_BONDI, "Bondi Dental Group - Time & Materials", "HIT-TM-2023-015", 1, 1,
           day("2023-07-01"), evergreen, contactID=P_EMMA, contactName="Emma Lawson", contractPeriodType=None,
           billingPreference=1, timeReportingRequiresStartAndStopTimes=0, overageBillingRate=None,
           description="Receives labour excluded from the MSA"),
        ct(CT_PFC, C_PFC, "Parramatta Freight - Managed Services 2024-2026", "HIT-MSA-2024-003", 7, 1,
           day("2024-07-01"), day("2026-06-30"), isDefaultContract=True, contactID=P_STEVE, contactName="Steve Kovac",
           renewedContractID=CT_PFC_OLD, estimatedRevenue=74280.0, estimatedCost=30110.5, estimatedHours=140.0,
           purchaseOrderNumber="PFC-PO-2024-117", lastModifiedDateTime=at("2024-06-24 05:41:09.05"),
           userDefinedFields=udf(("Indexation %", "3.00"), ("Notice Period (days)", "60"))),
        ct(CT_PFC_OLD, C_PFC, "Parramatta Freight - Managed Services 2022-2024", "HIT-MSA-2022-009", 7, 0,
           day("2022-07-01"), day("2024-06-30"), contactID=P_STEVE, contactName="Steve Kovac", isCompliant=False,
           estimatedRevenue=61200.0, lastModifiedDateTime=at("2024-07-01 00:12:40.2"),
           userDefinedFields=udf(("Indexation %", None), ("Notice Period (days)", "60"))),
        ct(CT_COASTAL, C_COASTAL, "Coastal Legal - Microsoft 365 & Backup", "HIT-LIC-2022-002", 7, 1,
           day("2022-03-01"), evergreen, isDefaultContract=True, contactID=P_OLIVIA, contactName="Olivia Grant",
           contractCategory=18, estimatedRevenue=9244.8, estimatedCost=7085.52),
        ct(CT_NBP, C_NBP, "Northern Beaches Physio - Dee Why fit-out", "HIT-PRJ-2025-001", 3, 1, day("2025-02-24"),
           day("2025-05-30"), contactID=P_JACK, contactName="Jack Thompson", contractCategory=21,
           contractPeriodType=None,
           billingPreference=1, setupFee=0.0, estimatedHours=32.0, estimatedRevenue=14850.0, estimatedCost=8900.0,
           opportunityID=29687002, purchaseOrderNumber="NBP-0042",
           description="Fixed price: cabling, 6 workstations, phones and Wi-Fi for the new clinic"),
        ct(CT_REDFERN, C_REDFERN, "Redfern Architecture - Managed Services", "HIT-MSA-2021-022", 7, 1,
           day("2021-12-01"), day("2025-11-30"), isDefaultContract=True, contactID=P_AISHA, contactName="Aisha Rahman",
           estimatedRevenue=14040.0),
        ct(CT_MACQ, C_MACQ, "Macquarie Street Accounting - Server & BCDR", "HIT-MSA-2017-004", 7, 1,
           day("2017-07-01"), day("2025-06-30"), isDefaultContract=True, contactID=P_PETER, contactName="Peter Walsh",
           serviceLevelAgreementID=SLA_24X7, billToCompanyContactID=P_LUCY, estimatedRevenue=7440.0,
           userDefinedFields=udf(("Indexation %", "2.50"), ("Notice Period (days)", "90"))),
        ct(CT_WINERY, C_WINERY, "Blue Mountains Estate - Time & Materials", "HIT-TM-2022-031", 1, 1,
           day("2022-05-01"), evergreen, isDefaultContract=True, contactID=P_ISABELLA, contactName="Isabella Rossi",
           contractPeriodType=None, billingPreference=1, timeReportingRequiresStartAndStopTimes=0),
        ct(CT_MOTORS, C_MOTORS, "Harbour City Motors - Managed Network", "HIT-NET-2022-017", 7, 1, day("2022-09-01"),
           day("2025-08-31"), isDefaultContract=True, contactID=P_GARY, contactName="Gary Mitchell",
           estimatedRevenue=6840.0, contractPeriodType=5),
        ct(CT_RANDWICK, C_RANDWICK, "Bondi Dental Group - Randwick Clinic MSA", "HIT-MSA-2023-031", 7, 1,
           day("2023-09-01"), day("2026-06-30"), isDefaultContract=True, contactID=P_SAM, contactName="Sam Oduya",
           billToCompanyID=C_BONDI, billToCompanyContactID=P_RAJ, contractExclusionSetID=EXCLUSION_SET,
           estimatedRevenue=9900.0, purchaseOrderNumber="PO-88213"),
        ct(CT_MANLY, C_MANLY, "Manly Print House - Managed Services", "HIT-MSA-2019-006", 7, 0, day("2019-04-01"),
           day("2024-06-30"), contactID=P_NICK, contactName="Nick Papadopoulos", isCompliant=False,
           lastModifiedDateTime=at("2024-07-01 00:14:02.9")),
    ]


def contract_exclusion_sets() -> list[dict]:
    return [
        {"id": EXCLUSION_SET, "name": "Standard MSA exclusions", "isActive": True,
         "description": "Project work and after-hours labour bill outside the MSA", "userDefinedFields": []},
        {"id": EXCLUSION_SET + 1, "name": "Pre-2022 MSA exclusions", "isActive": False, "description": None,
         "userDefinedFields": []},
    ]


# contract service id -> (contract, service, units, unit price, unit cost, vendor)
CONTRACT_SERVICES = {
    CS_BONDI_WKS: (CT_BONDI, S_WKS, 12, 55.0, 14.5, None), CS_BONDI_SRV: (CT_BONDI, S_SRV, 1, 220.0, 48.0, None),
    CS_BONDI_BCDR: (CT_BONDI, S_BCDR, 1, 180.0, 96.0, C_INGRAM), CS_BONDI_FW: (CT_BONDI, S_FW, 1, 95.0, 20.0, None),
    CS_PFC_WKS: (CT_PFC, S_WKS, 22, 52.0, 14.5, None), CS_PFC_HD: (CT_PFC, S_HELPDESK, 25, 70.0, 0.0, None),
    CS_PFC_M365: (CT_PFC, S_M365, 25, 36.3, 29.7, C_DICKER), CS_PFCOLD_WKS: (CT_PFC_OLD, S_WKS, 20, 50.0, 14.5, None),
    CS_PFCOLD_EMAIL: (CT_PFC_OLD, S_EMAIL, 20, 12.0, 4.0, None),
    CS_COASTAL_M365: (CT_COASTAL, S_M365, 18, 36.3, 29.7, C_DICKER),
    CS_COASTAL_SAAS: (CT_COASTAL, S_SAAS, 18, 6.5, 3.1, C_INGRAM),
    CS_REDFERN_WKS: (CT_REDFERN, S_WKS, 9, 55.0, 14.5, None),
    CS_REDFERN_HD: (CT_REDFERN, S_HELPDESK, 9, 75.0, 0.0, None),
    CS_MACQ_SRV: (CT_MACQ, S_SRV, 2, 220.0, 48.0, None), CS_MACQ_BCDR: (CT_MACQ, S_BCDR, 1, 180.0, 96.0, C_INGRAM),
    CS_MOTORS_FW: (CT_MOTORS, S_FW, 2, 95.0, 20.0, None), CS_RANDWICK_WKS: (CT_RANDWICK, S_WKS, 5, 55.0, 14.5, None),
    CS_MANLY_WKS: (CT_MANLY, S_WKS, 6, 55.0, 14.5, None),
}
SERVICE_NAMES = {S_WKS: "Managed Workstation", S_SRV: "Managed Server", S_M365: "Microsoft 365 Business Premium",
                 S_SAAS: "Datto SaaS Protection", S_BCDR: "Datto BCDR monitoring and offsite", S_FW: "Managed Firewall",
                 S_HELPDESK: "Helpdesk User", S_EMAIL: "Hosted Exchange Mailbox"}
ENDED = {CT_PFC_OLD, CT_MANLY}


def contract_services() -> list[dict]:
    out = []
    for cs_id, (contract, service, _units, price, cost, _vendor) in CONTRACT_SERVICES.items():
        out.append({
            "id": cs_id, "contractID": contract, "serviceID": service, "unitPrice": price, "unitCost": cost,
            "internalCurrencyUnitPrice": price, "internalCurrencyAdjustedPrice": price,
            "invoiceDescription": SERVICE_NAMES[service], "internalDescription": None, "quoteItemID": None,
            "userDefinedFields": [],
        })
    out[4]["internalDescription"] = "Discounted from $55 at the 2024 renewal"
    out[4]["quoteItemID"] = 1100482
    out[5]["internalCurrencyAdjustedPrice"] = 68.5
    return out


def contract_service_units() -> list[dict]:
    out, next_id = [], 29685001
    months = {"2024-06": ("2024-06-01", "2024-06-30", at("2024-06-03 21:14:00.537")),
              "2025-02": ("2025-02-01", "2025-02-28", at("2025-02-03 21:09:47.2")),
              "2025-03": ("2025-03-01", "2025-03-31", at("2025-03-03 21:11:05.913"))}
    for cs_id, (contract, service, units, price, cost, vendor) in CONTRACT_SERVICES.items():
        periods = ["2024-06"] if contract in ENDED else ["2025-03"]
        if cs_id in (CS_BONDI_WKS, CS_PFC_WKS, CS_COASTAL_M365):
            periods.insert(0, "2025-02")
        for p in periods:
            start, end, posted = months[p]
            n = units - 1 if (p == "2025-02" and cs_id == CS_COASTAL_M365) else units
            out.append({
                "id": next_id, "contractID": contract, "contractServiceID": cs_id, "serviceID": service,
                "startDate": day(start), "endDate": day(end), "units": n, "price": round(n * price, 2),
                "internalCurrencyPrice": round(n * price, 2), "cost": round(n * cost, 2),
                "approveAndPostDate": None if cs_id in (CS_MOTORS_FW, CS_RANDWICK_WKS) and p == "2025-03" else posted,
                "vendorCompanyID": vendor, "organizationalLevelAssociationID": 1, "userDefinedFields": [],
            })
            next_id += 1
    return out


# Tickets (ids with gaps, as a tenant's shared id sequence leaves them)
(T_OUTLOOK, T_DISK, T_SIRIS, T_RMA, T_PROBLEM, T_VPN, T_CHANGE, T_NEWSTARTER, T_PRINTER, T_QUOTE, T_CABLING,
 T_PHISH, T_PHONE, T_WIFI, T_SCANNER, T_REPORT) = (48211, 48230, 48245, 48260, 48277, 48278, 48290, 48302, 48315,
                                                  48333, 48341, 48350, 48358, 48366, 48371, 48380)
T_INTERNAL = 48384  # internal work, on the MSP's own organization (id 0)
TASK_CABLING = 5512  # a project task (Tasks are not exported); its time entry has a taskID and no ticketID


def tickets() -> list[dict]:
    def tk(id_, number, title, company, created, *, status, priority, queue, assigned, role, ticket_type=2,
           category=3, source=4, issue=None, sub=None, sla=SLA_BASIC, contract=None, cs=None, ci=None,
           contact=None, code=BC_REMOTE, completed=None, first_response=None, **kw):
        done = status == COMPLETE
        row = {k: None for k in SCHEMA["Ticket"] if k != "userDefinedFields"}
        row.update({
            "id": id_, "ticketNumber": number, "title": title, "description": title + ".", "companyID": company,
            "companyLocationID": None, "contactID": contact, "status": status, "priority": priority, "queueID": queue,
            "ticketType": ticket_type, "ticketCategory": category, "source": source, "issueType": issue,
            "subIssueType": sub, "serviceLevelAgreementID": sla, "contractID": contract, "contractServiceID": cs,
            "configurationItemID": ci, "billingCodeID": code, "assignedResourceID": assigned,
            "assignedResourceRoleID": role, "createDate": created, "creatorType": 1, "creatorResourceID": R_HANNAH,
            "createdByContactID": None, "estimatedHours": 0.0, "hoursToBeScheduled": 0.0, "completedDate": completed,
            "completedByResourceID": assigned if done else None, "resolvedDateTime": completed,
            "firstResponseDateTime": first_response, "firstResponseAssignedResourceID": assigned if first_response
            else None, "firstResponseInitiatingResourceID": assigned if first_response else None,
            "lastActivityDate": completed or first_response or created, "lastActivityPersonType": 1,
            "lastActivityResourceID": assigned,
            "lastTrackedModificationDateTime": completed or first_response or created,
            "lastCustomerVisibleActivityDateTime": completed or first_response,
            "lastCustomerNotificationDateTime": completed or first_response,
            "serviceLevelAgreementHasBeenMet": True if done else None,
            "serviceLevelAgreementPausedNextEventHours": 0.0 if done else None, "organizationalLevelAssociationID": 1,
            "isAssignedToComanaged": False, "isVisibleToComanaged": False, "purchaseOrderNumber": None,
            "userDefinedFields": udf(("Root Cause", None), ("Customer Reference", None)),
        })
        row.update(kw)
        return row

    return [
        tk(T_OUTLOOK, "T20250107.0003", "Outlook keeps prompting for password", C_BONDI, at("2025-01-06 22:41:17.387"),
           status=COMPLETE, priority=MEDIUM, queue=Q_HELPDESK, assigned=R_CHLOE, role=ROLE_L1, issue=63, sub=375,
           contract=CT_BONDI, cs=CS_BONDI_WKS, ci=CI_BDG_PC, contact=P_EMMA, companyLocationID=412,
           first_response=at("2025-01-06 22:58:40.07"), completed=at("2025-01-06 23:49:02.5"),
           firstResponseDueDateTime=at("2025-01-07 00:41:17.387"), resolvedDueDateTime=at("2025-01-07 06:41:17.387"),
           dueDateTime=at("2025-01-07 06:41:17.387"), resolution="Stale credential in Windows Credential Manager "
           "removed; modern authentication re-enabled for the profile.", currentServiceThermometerRating=1,
           previousServiceThermometerRating=2, serviceThermometerTemperature=82,
           userDefinedFields=udf(("Root Cause", "Cached credentials"), ("Customer Reference", None))),
        tk(T_DISK, "T20250114.0011", "Disk space low on BDG-SRV01 C: (8% free)", C_BONDI, at("2025-01-13 17:02:09"),
           status=COMPLETE, priority=HIGH, queue=Q_MONITORING, assigned=R_JOMAR, role=ROLE_AH, ticket_type=5,
           category=113, source=8, issue=60, sub=364, sla=SLA_24X7, contract=CT_BONDI, cs=CS_BONDI_SRV, ci=CI_BDG_SRV,
           creatorResourceID=R_NCENTRAL, apiVendorID=20, monitorID=4471902, monitorTypeID=10,
           rmmAlertID="9f1c2b7e-3d4a-4c8b-a1e2-6f7d8c9b0a11", externalID="NC-ALERT-771204",
           first_response=at("2025-01-13 17:20:00"), completed=at("2025-01-13 19:05:44.13"),
           resolution="Cleared 41 GB of WinSxS and IIS logs; log rotation scheduled.",
           dueDateTime=at("2025-01-13 21:02:09")),
        tk(T_SIRIS, "T20250121.0004", "Datto SIRIS offsite sync failing since 19 Jan", C_BONDI,
           at("2025-01-20 23:15:52.661"), status=WAITING_3RD_PARTY, priority=HIGH, queue=Q_HELPDESK, assigned=R_MARCUS,
           role=ROLE_SENIOR, issue=40, sub=278, sla=SLA_24X7, contract=CT_BONDI, cs=CS_BONDI_BCDR, ci=CI_BDG_SIRIS,
           first_response=at("2025-01-20 23:31:05"), externalID="DATTO-CASE-04418277",
           resolutionPlanDateTime=at("2025-01-21 04:00:00"), resolutionPlanDueDateTime=at("2025-01-21 23:15:52.661"),
           firstResponseDueDateTime=at("2025-01-21 00:15:52.661"), estimatedHours=3.0, hoursToBeScheduled=1.5,
           serviceLevelAgreementHasBeenMet=False, serviceLevelAgreementPausedNextEventHours=6.25,
           lastCustomerNotificationDateTime=at("2025-03-25 22:10:00"),
           userDefinedFields=udf(("Root Cause", None), ("Customer Reference", "DATTO-04418277"))),
        tk(T_RMA, "T20250128.0002", "Replace swollen battery - Latitude 5440 (warranty RMA)", C_PFC,
           at("2025-01-27 21:40:00"), status=COMPLETE, priority=MEDIUM, queue=Q_HELPDESK, assigned=R_TOM,
           role=ROLE_L2, ticket_type=1, category=5, source=2, issue=45, sub=298, contract=CT_PFC, cs=CS_PFC_WKS,
           ci=CI_PFC_LAPTOP, contact=P_MEI, code=BC_ONSITE, rmaStatus=9, rmaType=3, purchaseOrderNumber="PO-PFC-2291",
           first_response=at("2025-01-27 22:02:13.2"), completed=at("2025-02-04 03:30:00")),
        tk(T_PROBLEM, "T20250204.0007", "Problem: VPN tunnels to Parramatta depots drop every 30 minutes", C_PFC,
           at("2025-02-03 23:12:40.55"), status=IN_PROGRESS, priority=HIGH, queue=Q_PROBLEMS, assigned=R_MARCUS,
           role=ROLE_SENIOR, ticket_type=3, issue=42, sub=287, contract=CT_PFC, cs=CS_PFC_WKS, contact=P_STEVE,
           first_response=at("2025-02-03 23:30:00"), estimatedHours=8.0, hoursToBeScheduled=4.0,
           resolutionPlanDueDateTime=at("2025-02-17 23:12:40.55")),
        tk(T_VPN, "T20250204.0008", "VPN disconnects for dispatch staff", C_PFC, at("2025-02-03 23:20:11"),
           status=COMPLETE, priority=MEDIUM, queue=Q_HELPDESK, assigned=R_CHLOE, role=ROLE_L1, issue=42, sub=287,
           contract=CT_PFC, cs=CS_PFC_HD, contact=P_MEI, problemTicketId=T_PROBLEM, source=2,
           first_response=at("2025-02-03 23:25:00"), completed=at("2025-02-04 01:00:00"),
           resolution="Linked to problem T20250204.0007; workaround: reconnect with FortiClient 7.2."),
        tk(T_CHANGE, "T20250211.0001", "Change: upgrade BDG-FW01 FortiOS 7.2.8 -> 7.2.10", C_BONDI,
           at("2025-02-10 22:05:00"), status=COMPLETE, priority=MEDIUM, queue=Q_HELPDESK, assigned=R_MARCUS,
           role=ROLE_SENIOR, ticket_type=4, issue=42, sub=287, contract=CT_BONDI, cs=CS_BONDI_FW, ci=CI_BDG_FW,
           contact=P_EMMA, changeApprovalBoard=4, changeApprovalStatus=5, changeApprovalType=2,
           changeInfoField1="Impact: 10-15 minute internet outage at Bondi Junction",
           changeInfoField2="Rollback: restore config backup taken 11/02 and downgrade image",
           changeInfoField3="Test plan: VPN, EFTPOS terminals, Dental4Windows cloud sync",
           changeInfoField4="Window: Thu 13/02 19:00-19:30 AEDT", changeInfoField5="",
           first_response=at("2025-02-10 22:30:00"), completed=at("2025-02-13 08:34:19.009"), code=BC_AH,
           resolution="Upgraded to 7.2.10 build 1706; all checks passed."),
        tk(T_NEWSTARTER, "T20250218.0005", "New starter: Jordan Lee (Solicitor) from 24/02", C_COASTAL,
           at("2025-02-17 21:48:30.3"), status=COMPLETE, priority=LOW, queue=Q_PORTAL, assigned=R_CHLOE,
           role=ROLE_L1, ticket_type=1, source=-1, issue=55, sub=405, contract=CT_COASTAL, cs=CS_COASTAL_M365,
           ci=CI_COASTAL_M365, contact=P_OLIVIA, creatorType=2, creatorResourceID=None, createdByContactID=P_OLIVIA,
           first_response=at("2025-02-17 22:30:00"), completed=at("2025-02-20 04:15:00"), lastActivityPersonType=2,
           externalID="483920",
           userDefinedFields=udf(("Root Cause", "Request"), ("Customer Reference", "HR-2025-011"))),
        tk(T_PRINTER, "T20250225.0003", "Printer offline in consult room 2", C_NBP, at("2025-02-24 23:05:00"),
           status=COMPLETE, priority=LOW, queue=Q_HELPDESK, assigned=R_CHLOE, role=ROLE_L1, issue=47, sub=306,
           contact=P_JACK, source=2, first_response=at("2025-02-24 23:20:00"), completed=at("2025-02-25 00:10:00"),
           resolution="Printer had taken a new DHCP lease; reserved 192.168.1.40 on the router."),
        tk(T_QUOTE, "T20250304.0009", "Quote: 5 x Dell Latitude 5440 for new graduates", C_REDFERN,
           at("2025-03-04 00:12:47.5"), status=SALES_ORDERING, priority=LOW, queue=Q_SALES, assigned=R_SOFIA,
           role=ROLE_AM, ticket_type=1, issue=62, sub=None, contract=CT_REDFERN, contact=P_AISHA, code=BC_HARDWARE,
           opportunityID=29687005, first_response=at("2025-03-04 01:00:00"), purchaseOrderNumber="RAS-PO-0311"),
        tk(T_CABLING, "T20250305.0002", "Onsite: data cabling for Dee Why clinic", C_NBP, at("2025-03-04 22:30:00"),
           status=CALL_SCHEDULED, priority=MEDIUM, queue=Q_PROJECT, assigned=R_MARCUS, role=ROLE_PROJECT,
           ticket_type=1, issue=51, sub=None, contract=CT_NBP, contact=P_JACK, code=BC_PROJECT, projectID=1207,
           estimatedHours=6.0, hoursToBeScheduled=6.0, first_response=at("2025-03-04 22:45:00")),
        tk(T_PHISH, "T20250310.0004", "Suspicious sign-in alert for accounts@msaccounting.com.au", C_MACQ,
           at("2025-03-10 08:02:33.8"), status=ESCALATED, priority=CRITICAL, queue=Q_HELPDESK, assigned=R_PRIYA,
           role=ROLE_SENIOR, issue=67, sub=None, sla=SLA_24X7, contract=CT_MACQ, contact=P_LUCY, code=BC_AH,
           first_response=at("2025-03-10 08:09:00"), firstResponseDueDateTime=at("2025-03-10 08:32:33.8"),
           currentServiceThermometerRating=3, previousServiceThermometerRating=2, serviceThermometerTemperature=35,
           impersonatorCreatorResourceID=R_JOMAR, creatorResourceID=R_JOMAR, serviceLevelAgreementHasBeenMet=True,
           isAssignedToComanaged=False, isVisibleToComanaged=True),
        tk(T_PHONE, "T20250312.0001", "Set up handset for new receptionist", C_WINERY, at("2025-03-11 22:10:00"),
           status=COMPLETE, priority=LOW, queue=Q_HELPDESK, assigned=R_CHLOE, role=ROLE_L1, ticket_type=1, issue=34,
           sub=None, contract=CT_WINERY, contact=P_ISABELLA, source=2, first_response=at("2025-03-11 22:20:00"),
           completed=at("2025-03-12 03:40:00")),
        tk(T_WIFI, "T20250314.0001", "Wi-Fi dropping in showroom", C_MOTORS, at("2025-03-14 09:30:00.123"),
           status=WAITING_CUSTOMER, priority=MEDIUM, queue=Q_HELPDESK, assigned=R_TOM, role=ROLE_L2, issue=57,
           sub=347, contract=CT_MOTORS, cs=CS_MOTORS_FW, ci=CI_MOTORS_AP, contact=P_GARY,
           first_response=at("2025-03-14 09:41:07.44"), dueDateTime=at("2025-03-17 09:30:00.123"),
           lastCustomerNotificationDateTime=at("2025-03-20 01:02:03"),
           userDefinedFields=udf(("Root Cause", None), ("Customer Reference", "0042"))),
        tk(T_SCANNER, "T20250317.0006", "Randwick: scanner not saving to network folder", C_RANDWICK,
           at("2025-03-17 00:08:36.2"), status=NEW, priority=MEDIUM, queue=Q_TRIAGE, assigned=None, role=None,
           issue=47, sub=308, contract=CT_RANDWICK, cs=CS_RANDWICK_WKS, contact=P_SAM, source=-1, creatorType=2,
           creatorResourceID=None, createdByContactID=P_SAM, lastActivityPersonType=2),
        tk(T_REPORT, "T20250325.0002", "Monthly patching and backup report - March 2025", C_MACQ,
           at("2025-03-24 21:05:33.018"), status=COMPLETE, priority=LOW, queue=Q_RECURRING, assigned=R_HANNAH,
           role=ROLE_ADMIN, ticket_type=1, category=109, source=12, issue=59, sub=None, contract=CT_MACQ,
           cs=CS_MACQ_SRV, code=BC_INT_ADMIN, creatorResourceID=R_DANIEL, first_response=at("2025-03-24 21:05:33.018"),
           completed=at("2025-03-25 02:00:00"), resolution="Report sent to Peter Walsh."),
        tk(T_INTERNAL, "T20250327.0001", "Rebuild technician laptop HIT-LT07", C_OWN, at("2025-03-27 01:15:00"),
           status=IN_PROGRESS, priority=LOW, queue=Q_HELPDESK, assigned=R_CHLOE, role=ROLE_L1, ticket_type=1,
           issue=None, sub=None, sla=None, code=BC_INT_ADMIN, first_response=at("2025-03-27 01:20:00")),
    ]


def _local_day(utc: str) -> str:
    """The Sydney (AEDT, UTC+11 until 6 April 2025) date of a UTC 'YYYY-MM-DD HH:MM' time, as dateWorked holds it."""
    from datetime import datetime, timedelta
    return day((datetime.fromisoformat(utc) + timedelta(hours=11)).date().isoformat())


def _plus(utc: str, hours: float) -> str:
    from datetime import datetime, timedelta
    return (datetime.fromisoformat(utc) + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


# time entry id -> (ticket, resource, role, work type, contract, contract service, start (UTC), hours worked)
TIME = {
    96001: (T_OUTLOOK, R_CHLOE, ROLE_L1, BC_REMOTE, CT_BONDI, CS_BONDI_WKS, "2025-01-06 22:58", 0.75),
    96002: (T_DISK, R_JOMAR, ROLE_AH, BC_AH, CT_BONDI, CS_BONDI_SRV, "2025-01-13 17:20", 1.5),
    96003: (T_SIRIS, R_MARCUS, ROLE_SENIOR, BC_REMOTE, CT_BONDI, CS_BONDI_BCDR, "2025-01-20 23:31", 1.25),
    96004: (T_SIRIS, R_MARCUS, ROLE_SENIOR, BC_REMOTE, CT_BONDI, CS_BONDI_BCDR, "2025-03-25 22:00", 0.5),
    96005: (T_RMA, R_TOM, ROLE_L2, BC_ONSITE, CT_PFC, CS_PFC_WKS, "2025-02-03 23:00", 1.0),
    96006: (T_RMA, R_TOM, ROLE_L2, BC_TRAVEL, CT_PFC, CS_PFC_WKS, "2025-02-03 22:30", 0.5),
    96007: (T_PROBLEM, R_MARCUS, ROLE_SENIOR, BC_REMOTE, CT_PFC, CS_PFC_WKS, "2025-02-04 00:00", 2.0),
    96008: (T_PROBLEM, R_MARCUS, ROLE_SENIOR, BC_REMOTE, CT_PFC, CS_PFC_WKS, "2025-03-18 03:00", 1.5),
    96009: (T_VPN, R_CHLOE, ROLE_L1, BC_REMOTE, CT_PFC, CS_PFC_HD, "2025-02-03 23:25", 0.5),
    96010: (T_CHANGE, R_MARCUS, ROLE_AH, BC_AH, CT_BONDI_TM, None, "2025-02-13 08:00", 0.75),
    96011: (T_NEWSTARTER, R_CHLOE, ROLE_L1, BC_REMOTE, CT_COASTAL, CS_COASTAL_M365, "2025-02-19 22:00", 1.5),
    96012: (T_PRINTER, R_CHLOE, ROLE_L1, BC_REMOTE, None, None, "2025-02-24 23:20", 0.5),
    96013: (T_QUOTE, R_SOFIA, ROLE_AM, BC_REMOTE, CT_REDFERN, None, "2025-03-04 01:00", 0.25),
    96014: (None, R_MARCUS, ROLE_PROJECT, BC_PROJECT, CT_NBP, None, "2025-03-06 22:00", 4.0),
    96015: (T_CABLING, R_MARCUS, ROLE_PROJECT, BC_PROJECT, CT_NBP, None, "2025-03-04 22:45", 0.5),
    96016: (T_PHISH, R_PRIYA, ROLE_SENIOR, BC_AH, CT_MACQ, None, "2025-03-10 08:09", 1.25),
    96017: (T_PHISH, R_JOMAR, ROLE_AH, BC_AH, CT_MACQ, None, "2025-03-10 08:30", 2.0),
    96018: (T_PHONE, R_CHLOE, ROLE_L1, BC_ONSITE, CT_WINERY, None, "2025-03-11 22:20", 1.0),
    96019: (T_WIFI, R_TOM, ROLE_L2, BC_REMOTE, CT_MOTORS, CS_MOTORS_FW, "2025-03-16 23:00", 0.75),
    96020: (T_REPORT, R_HANNAH, ROLE_ADMIN, BC_REMOTE, CT_MACQ, CS_MACQ_SRV, "2025-03-24 22:00", 0.5),
    96021: (T_DISK, R_TOM, ROLE_L2, BC_REMOTE, CT_BONDI, CS_BONDI_SRV, "2025-01-13 22:00", 0.25),
}
NOTES = {
    96001: "Cleared cached credentials, re-added account, confirmed sync.",
    96002: "Investigated disk alert, cleaned up.",
    96003: "Checked offsite sync logs, opened Datto case 04418277.", 96004: "Datto update: ISP throttling, waiting.",
    96005: "Swapped battery on site; old unit returned under RMA.", 96006: "Travel Parramatta return.",
    96007: "Packet captures on both tunnels; DPD mismatch suspected.", 96008: "Applied IKE lifetime change on depot 2.",
    96009: "Reconnected users, linked to problem ticket.", 96010: "FortiOS upgrade in change window.",
    96011: "Created account, licence, MFA and mailbox permissions.", 96012: "Printer IP reservation.",
    96013: "Prepared quote Q-2025-0311.", 96014: "Cabling: 14 drops terminated and tested.",
    96015: "Site survey call with Jack.", 96016: "Revoked sessions, reset password, reviewed sign-in logs.",
    96017: "Mailbox rule audit and Defender investigation.", 96018: "Provisioned Yealink handset, extension 204.",
    96019: "Reviewed UniFi channel plan; asked customer for a test window.", 96020: "Compiled March report.",
    96021: "Morning check after overnight clean-up.",
}


def time_entries() -> list[dict]:
    out = []
    for id_, (ticket, who, role, code, contract, cs, start, hours) in TIME.items():
        approved = start < "2025-03-01"
        to_bill = {96006: 0.25, 96013: 0.0, 96020: 0.0}.get(id_, hours)
        non_billable = id_ in (96013, 96020)
        out.append({
            "id": id_, "ticketID": ticket, "taskID": TASK_CABLING if ticket is None else None,
            "timeEntryType": 6 if ticket is None else 2, "resourceID": who, "roleID": role, "billingCodeID": code,
            "internalBillingCodeID": BC_INT_ADMIN if non_billable else code, "contractID": contract,
            "contractServiceID": cs, "contractServiceBundleID": None, "dateWorked": _local_day(start),
            "startDateTime": at(start), "endDateTime": at(_plus(start, hours)), "hoursWorked": hours,
            "hoursToBill": to_bill, "offsetHours": round(to_bill - hours, 2) if not non_billable else 0.0,
            "isNonBillable": non_billable, "showOnInvoice": not non_billable, "summaryNotes": NOTES[id_],
            "internalNotes": {96003: "Case opened by phone, ref 04418277.", 96016: "Possible AiTM phish; see SOC note.",
                              96007: ""}.get(id_),
            "createDateTime": at(_plus(start, hours + 0.1)), "creatorUserID": who,
            "lastModifiedDateTime": at(_plus(start, 30 if approved else hours + 0.2)),
            "lastModifiedUserID": R_PRIYA if approved else who,
            "billingApprovalDateTime": at(_plus(start, 30)) if approved else None,
            "billingApprovalResourceID": R_PRIYA if approved else None,
            "billingApprovalLevelMostRecent": 1 if approved else 0,
            "impersonatorCreatorResourceID": R_PRIYA if id_ == 96016 else None,
            "impersonatorUpdaterResourceID": R_PRIYA if id_ == 96016 else None,
            "userDefinedFields": [],
        })
    out[15]["creatorUserID"] = R_XERO  # created through an integration impersonating Priya
    return out


def notification_history() -> list[dict]:
    t = {r["id"]: r for r in tickets()}

    def nh(id_, template, ticket, to_name, to_email, sent, *, client=True, resource=None, contact=None, **kw):
        row = {"id": id_, "templateName": template, "notificationHistoryTypeID": 1 if client else 2,
               "notificationSentTime": sent, "recipientDisplayName": to_name, "recipientEmailAddress": to_email,
               "companyID": t[ticket]["companyID"] if ticket else None, "ticketID": ticket,
               "entityNumber": t[ticket]["ticketNumber"] if ticket else None,
               "entityTitle": t[ticket]["title"] if ticket else None, "initiatingResourceID": resource,
               "initiatingContactID": contact, "isActive": True, "isDeleted": False, "isTemplateJob": False,
               "opportunityID": None, "projectID": None, "quoteID": None, "taskID": None, "timeEntryID": None,
               "userDefinedFields": []}
        row.update(kw)
        return row
    return [
        nh(1245001, "Customer - Ticket Created", T_OUTLOOK, "Emma Lawson", "emma.lawson@bondidental.com.au",
           at("2025-01-06 22:41:20.01"), resource=R_HANNAH),
        nh(1245002, "Customer - Ticket Completed", T_OUTLOOK, "Emma Lawson", "emma.lawson@bondidental.com.au",
           at("2025-01-06 23:49:05.5"), resource=R_CHLOE),
        nh(1245003, "Internal - RMM Alert Escalation", T_DISK, "Jomar Santos",
           "jomar.santos@contractor.harbourside-it.com.au", at("2025-01-13 17:02:15"), client=False,
           resource=R_NCENTRAL),
        nh(1245004, "Internal - Ticket Assigned", T_SIRIS, "Marcus O'Brien", "marcus.obrien@harbourside-it.com.au",
           at("2025-01-20 23:16:02.3"), client=False, resource=R_HANNAH),
        nh(1245005, "Customer - Ticket Created", T_RMA, "Mei Chen", "mei.chen@pfco.com.au", at("2025-01-27 21:40:04"),
           resource=R_HANNAH),
        nh(1245006, "Customer - Ticket Created", T_NEWSTARTER, "Olivia Grant", "ogrant@coastallegal.com.au",
           at("2025-02-17 21:48:33.9"), contact=P_OLIVIA),
        nh(1245007, "Customer - Time Entry Added", T_NEWSTARTER, "Olivia Grant", "ogrant@coastallegal.com.au",
           at("2025-02-19 23:36:10.2"), resource=R_CHLOE, timeEntryID=96011),
        nh(1245008, "Customer - Ticket Completed", T_NEWSTARTER, "Olivia Grant", "ogrant@coastallegal.com.au",
           at("2025-02-20 04:15:03"), resource=R_CHLOE),
        nh(1245009, "Internal - Ticket Assigned", T_CABLING, "Marcus O'Brien", "marcus.obrien@harbourside-it.com.au",
           at("2025-03-04 22:31:00"), client=False, resource=R_HANNAH, projectID=1207, taskID=TASK_CABLING),
        nh(1245010, "Customer - Quote Sent", None, "Aisha Rahman", "aisha.rahman@redfernarch.studio",
           at("2025-03-05 02:14:48.71"), resource=R_SOFIA, companyID=C_REDFERN, quoteID=7781, opportunityID=29687005,
           entityNumber="Q-2025-0311", entityTitle="5 x Dell Latitude 5440"),
        nh(1245011, "Internal - Ticket Assigned", T_PHISH, "Priya Raman", "priya.raman@harbourside-it.com.au",
           at("2025-03-10 08:02:40"), client=False, resource=R_JOMAR),
        nh(1245012, "Customer - Ticket Completed", T_PHONE, "Isabella Rossi", "isabella@bmestate.com.au",
           at("2025-03-12 03:40:02.66"), resource=R_CHLOE),
        nh(1245013, "Customer - Ticket Created", T_WIFI, "Gary Mitchell", "gary.mitchell@harbourcitymotors.com.au",
           at("2025-03-14 09:30:04"), resource=R_TOM),
        nh(1245014, "Customer - Ticket Created", T_SCANNER, "Sam Oduya", "sam.oduya@bondidental.com.au",
           at("2025-03-17 00:08:39.5"), contact=P_SAM, isDeleted=False, isActive=True),
    ]


INVOICES = {  # id -> (company, invoice number, period start, period end)
    1501: (C_BONDI, "INV-10412", "2025-02-01", "2025-02-28"), 1502: (C_PFC, "INV-10413", "2025-02-01", "2025-02-28"),
    1503: (C_COASTAL, "INV-10414", "2025-02-01", "2025-02-28"), 1504: (C_NBP, "INV-10415", "2025-02-01", "2025-02-28"),
    1505: (C_NBP, "INV-10399", "2025-01-01", "2025-01-31"),
}


def billing_items() -> list[dict]:
    te = {r["id"]: r for r in time_entries()}
    t = {r["id"]: r for r in tickets()}
    roles_ = {r["id"]: r for r in roles()}
    units = contract_service_units()
    rows, next_id = [], 29695001

    def item(kind, company, date, name, qty, rate, cost, **kw):
        nonlocal next_id
        ext = round(qty * rate, 2)
        row = {k: None for k in SCHEMA["BillingItem"] if k != "userDefinedFields"}
        row.update({
            "id": next_id, "billingItemType": kind, "subType": {1: 1, 2: 4, 3: 6}[kind], "companyID": company,
            "itemDate": day(date), "itemName": name, "description": name, "quantity": qty, "rate": rate,
            "extendedPrice": ext, "totalAmount": ext, "ourCost": cost, "taxDollars": round(ext * 0.1, 2),
            "internalCurrencyRate": rate, "internalCurrencyExtendedPrice": ext, "internalCurrencyTotalAmount": ext,
            "internalCurrencyTaxDollars": round(ext * 0.1, 2), "nonBillable": 0, "itemApproverID": R_PRIYA,
            "accountManagerWhenApprovedID": R_SOFIA, "organizationalLevelAssociationID": 1,
            "postedDate": at("2025-03-03 21:30:00"), "postedOnTime": at("2025-03-03 21:30:12.207"),
            "lineItemGroupDescription": None, "userDefinedFields": [],
        })
        row.update(kw)
        rows.append(row)
        next_id += 1

    # recurring services billed for February, invoiced on 1501-1503
    invoice_of = {C_BONDI: 1501, C_PFC: 1502, C_COASTAL: 1503}
    for u in units:
        if u["startDate"] != day("2025-02-01"):
            continue
        contract, service, _n, price, cost, vendor = CONTRACT_SERVICES[u["contractServiceID"]]
        company = next(c["companyID"] for c in contracts() if c["id"] == contract)
        item(3, company, "2025-02-01", SERVICE_NAMES[service], float(u["units"]), price, u["cost"],
             contractID=contract, serviceID=service, billingCodeID=BC_MANAGED, invoiceID=invoice_of[company],
             vendorID=vendor, lineItemGroupDescription="Recurring services - February 2025",
             lineItemFullDescription=f"{SERVICE_NAMES[service]} x {u['units']} (01/02/2025 - 28/02/2025)",
             lineItemID=8800000 + u["id"] % 1000, postedDate=at("2025-02-03 21:30:00"),
             postedOnTime=at("2025-02-03 21:30:04.5"), webServiceDate=at("2025-02-03 22:00:41.9"))
    # labour billed outside a recurring contract
    for te_id, invoice in ((96010, 1501), (96012, 1504), (96018, None), (96016, None), (96017, None)):
        e = te[te_id]
        tk_ = t[e["ticketID"]]
        factor = roles_[e["roleID"]]["hourlyFactor"]
        rate = round(roles_[e["roleID"]]["hourlyRate"] * factor, 2)
        item(1, tk_["companyID"], e["dateWorked"][:10], f"{roles_[e['roleID']]['name']} - {tk_['ticketNumber']}",
             e["hoursToBill"], rate, round(e["hoursWorked"] * 45.0, 2), contractID=e["contractID"],
             ticketID=tk_["id"], timeEntryID=te_id, roleID=e["roleID"], billingCodeID=e["billingCodeID"],
             invoiceID=invoice, lineItemFullDescription=e["summaryNotes"],
             lineItemID=8810000 + te_id % 1000 if invoice else None,
             postedDate=None if invoice is None else at("2025-03-03 21:30:00"),
             postedOnTime=None if invoice is None else at("2025-03-03 21:30:12.207"),
             webServiceDate=None if invoice is None else at("2025-03-03 22:01:10"))
    # materials: the handset sold on the winery's phone ticket, the RMA battery at no charge, a project milestone
    item(2, C_WINERY, "2025-03-12", "Yealink T54W IP Phone", 1.0, 289.0, 219.0, ticketID=T_PHONE,
         contractID=CT_WINERY, billingCodeID=BC_HARDWARE, ticketChargeID=70021, purchaseOrderNumber="BME-0098",
         configurationItemID=None, vendorID=C_INGRAM, postedDate=None, postedOnTime=None)
    item(2, C_PFC, "2025-02-04", "Replacement battery (warranty)", 1.0, 0.0, 0.0, ticketID=T_RMA, contractID=CT_PFC,
         billingCodeID=BC_HARDWARE, ticketChargeID=70007, configurationItemID=CI_PFC_LAPTOP, nonBillable=1,
         invoiceID=1502, vendorID=C_INGRAM, purchaseOrderNumber="PO-PFC-2291")
    item(2, C_NBP, "2025-01-31", "Deposit - Dee Why fit-out (50%)", 1.0, 7425.0, 0.0, contractID=CT_NBP,
         billingCodeID=BC_PROJECT, projectID=1207, projectChargeID=None, taskID=None, invoiceID=1505,
         expenseItemID=None, postedDate=at("2025-02-03 21:30:00"), postedOnTime=at("2025-02-03 21:30:04.5"))
    rows[-1]["subType"] = 5
    return rows


def invoices() -> list[dict]:
    items = billing_items()
    out = []
    for id_, (company, number, start, end) in INVOICES.items():
        total = round(sum(i["totalAmount"] for i in items if i["invoiceID"] == id_), 2)
        tax = round(sum(i["taxDollars"] for i in items if i["invoiceID"] == id_), 2)
        voided = id_ == 1505
        out.append({
            "id": id_, "invoiceNumber": number, "companyID": company, "invoiceDateTime": at(f"{end} 13:00:00"),
            "fromDate": day(start), "toDate": day(end),
            "dueDate": day("2025-03-14" if end > "2025-02" else "2025-02-14"),
            "invoiceTotal": round(total + tax, 2), "totalTaxValue": tax, "isVoided": voided,
            "voidedDate": at("2025-02-02 23:11:36.1") if voided else None, "voidedByResourceID": R_DANIEL if voided
            else None, "paidDate": day("2025-03-11") if company == C_BONDI else None, "paymentTerm": 2,
            "batchID": 88 if end > "2025-02" else 87, "comments": "Thank you for your business" if not voided
            else "Voided: deposit re-issued on the fit-out contract", "createDateTime": at(f"{end} 13:00:00"),
            "creatorResourceID": R_DANIEL, "invoiceEditorTemplateID": 102, "orderNumber": None if company != C_PFC
            else "PFC-PO-2024-117", "taxGroup": 3, "taxRegionName": "GST (NSW)",
            "webServiceDate": at(f"{end} 13:05:18.47") if not voided else None, "userDefinedFields": [],
        })
    return out


# --------------------------------------------------------------------------------------------- captured sheets

WORKFLOW_RULES = [
    ["rule_name", "area_tab", "entity", "active", "description", "events", "conditions", "actions",
     "notification_template", "notify", "time_offset", "last_triggered", "last_modified", "audit_flags"],
    ["SD - Acknowledge new tickets", "Service Desk", "Ticket", "true", "Emails the contact when a ticket is logged",
     "Created", "Queue not equal to 'Monitoring Alert'", "Send notification", "Customer - Ticket Created", "Contact",
     "", "2025-03-17", "2023-02-08", ""],
    ["SD - Notify customer on completion", "Service Desk", "Ticket", "true", "Emails the contact when completed",
     "Edited", "Status changed to 'Complete'", "Send notification", "Customer - Ticket Completed", "Contact", "",
     "2025-03-25", "2023-02-08", ""],
    ["SD - Escalate unacknowledged RMM alerts", "Service Desk", "Ticket", "true",
     "After-hours escalation of monitoring alerts", "Created",
     "Source equal to 'Monitoring Alert'|Status equal to 'New'",
     "Set Status To 'Escalated'|Send notification", "Internal - RMM Alert Escalation", "Primary Resource",
     "30 Minutes", "2025-01-13", "2022-11-30", ""],
    ["SD - Close Waiting Customer after 7 days", "Service Desk", "Ticket", "true",
     "Auto-close tickets the customer never answered", "Edited", "Status equal to 'Waiting Customer'",
     "Set Status To 'Complete'|Add note", "", "", "7 Calendar Days", "2024-08-02", "2021-05-17",
     "Has not triggered recently"],
    ["CRM - Contract expiring in 60 days", "Contract", "Contract", "false", "Reminder to the account manager",
     "Edited", "End Date within '60 Calendar Days'", "Create To-Do", "", "Account Manager", "60 Calendar Days", "",
     "2020-03-03", ""],
]
NOTIFICATION_TEMPLATES = [
    ["template_name", "area_tab", "event", "active", "recipients", "subject", "last_modified"],
    ["Customer - Ticket Created", "Tickets", "Ticket Created", "true", "client",
     "We received your request [Ticket: Number]", "2023-02-08"],
    ["Customer - Ticket Completed", "Tickets", "Ticket Completed", "true", "client",
     "[Ticket: Number] is complete", "2023-02-08"],
    ["Customer - Time Entry Added", "Tickets", "Time Entry Added", "true", "client",
     "Update on [Ticket: Number]", "2021-09-14"],
    ["Customer - Quote Sent", "Quotes", "Quote Sent", "true", "client", "Your quote [Quote: Number]", "2019-04-30"],
    ["Customer - Survey Request", "Tickets", "Ticket Completed", "true", "client", "How did we do?", "2018-11-02"],
    ["Internal - Ticket Assigned", "Tickets", "Ticket Assigned", "true", "internal",
     "Assigned to you: [Ticket: Number] [Ticket: Title]", "2022-06-21"],
    ["Internal - RMM Alert Escalation", "Tickets", "Ticket Created", "true", "internal",
     "ESCALATION: [Ticket: Title]", "2022-11-30"],
]
CLIENT_YAML = """\
name: Harbourside IT
technicians: 7
integrations:
- N-able N-central
- Xero
- IT Glue
- Datto BCDR
- Microsoft CSP
billing_day: 1
export_date: '2025-03-31'
notes: Fictional tenant in the real Autotask REST shape (tests/real_rest_export.py); pulled from zone 6 (AU).
"""


# --------------------------------------------------------------------------------------------- writing

BUILDERS = {
    "Companies": companies, "Contacts": contacts, "Resources": resources, "Roles": roles,
    "BillingCodes": billing_codes, "Services": services, "Products": products,
    "ConfigurationItems": configuration_items, "Contracts": contracts, "ContractServices": contract_services,
    "ContractServiceUnits": contract_service_units, "ContractExclusionSets": contract_exclusion_sets,
    "Tickets": tickets, "TimeEntries": time_entries, "NotificationHistory": notification_history,
    "BillingItems": billing_items, "Invoices": invoices,
}


def model_fields(entity: str) -> dict[str, str]:
    """{field: C# type} a record of `entity` carries: the REST model (less SOAP artefacts) plus live extras."""
    base = {k: v for k, v in SCHEMA[ENTITY_MODEL[entity]].items() if k not in SKIP_FIELDS}
    return {**base, **LIVE_EXTRAS.get(entity, {})}


def _order(record: dict) -> dict:
    """Fields in the order the REST API writes them: ordinal by name, userDefinedFields last."""
    keys = sorted(k for k in record if k != "userDefinedFields")
    return {**{k: record[k] for k in keys}, "userDefinedFields": record.get("userDefinedFields", [])}


def records(entity: str) -> list[dict]:
    """The entity's records, each carrying every field of its model (absent ones as null)."""
    fields = model_fields(entity)
    out = []
    for row in BUILDERS[entity]():
        unknown = set(row) - set(fields)
        if unknown:
            raise ValueError(f"{entity} record {row.get('id')}: fields not in the REST model: {sorted(unknown)}")
        out.append(_order({**{k: None for k in fields}, **row}))
    return out


def _page_details(count: int, request: int, prev_url=None, next_url=None) -> dict:
    return {"count": count, "requestCount": request, "prevPageUrl": prev_url, "nextPageUrl": next_url}


def _response(items: list[dict], details: dict) -> str:
    """A REST query response, one record per line (still one JSON document)."""
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in items)
    return '{"items":[\n' + body + '\n],"pageDetails":' + json.dumps(details, separators=(",", ":")) + "}"


def _paging_url(entity: str, direction: str, size: int, previous: list[int], following: list[int]) -> str:
    from urllib.parse import quote
    paging = json.dumps({"pageSize": size, "previousIds": previous, "nextIds": following}, separators=(",", ":"))
    search = json.dumps({"filter": [{"op": "gte", "field": "id", "value": 0}]}, separators=(",", ":"))
    return f"{ZONE}/{entity}/query/{direction}?paging={quote(paging)}&search={quote(search)}"


def render(entity: str) -> str:
    """The file text for `entity` in its shape (single response, two pages, or JSON Lines)."""
    rows = records(entity)
    if FILES[entity].endswith(".jsonl"):
        return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
    if entity in PAGED:
        n = PAGED[entity]
        first, second = rows[:n], rows[n:]
        ids1, ids2 = [r["id"] for r in first], [r["id"] for r in second]
        page1 = _response(first, _page_details(len(first), n, None,
                                               _paging_url(entity, "next", n, ids1[-1:], ids2[:1])))
        page2 = _response(second, _page_details(len(second), n, _paging_url(entity, "prev", n, ids1[-1:], ids2[:1]),
                                                None))
        return "[\n" + page1 + ",\n" + page2 + "\n]\n"
    return _response(rows, _page_details(len(rows), 500)) + "\n"


def _csv(rows: list[list[str]]) -> str:
    import csv
    import io
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def write_export(folder: Path | str = FOLDER, fixtures: Path | str | None = FIXTURES) -> Path:
    """Write the export to `folder` (created if needed); returns it. Same content every run.

    fields/Resources.json and fields/Tickets.json are copied verbatim from `fixtures` (the live-tenant
    entityInformation/fields responses) when that folder exists; otherwise copies already in `folder` are kept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for entity, name in FILES.items():
        (folder / name).write_text(render(entity), encoding="utf-8")
    (folder / "client.yaml").write_text(CLIENT_YAML, encoding="utf-8")
    (folder / "WorkflowRules.csv").write_text(_csv(WORKFLOW_RULES), encoding="utf-8")
    (folder / "NotificationTemplates.csv").write_text(_csv(NOTIFICATION_TEMPLATES), encoding="utf-8")
    if fixtures is not None and Path(fixtures).is_dir():
        (folder / "fields").mkdir(exist_ok=True)
        for entity in ("Resources", "Tickets"):
            shutil.copyfile(Path(fixtures) / f"{entity}_entityInformation_fields.json",
                            folder / "fields" / f"{entity}.json")
    return folder


def read_records(folder: Path | str, entity: str) -> list[dict]:
    """The records of `entity` as the file in `folder` holds them (pages flattened, JSON Lines read line by line)."""
    path = Path(folder) / FILES[entity]
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    pages = data if isinstance(data, list) else [data]
    return [r for page in pages for r in page["items"]]


if __name__ == "__main__":
    print(write_export(sys.argv[1] if len(sys.argv) > 1 else FOLDER))
