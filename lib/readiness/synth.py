"""Deterministic sample Autotask exports: realistic data with known problems planted in it.

`generate(out_dir, size="small", seed=1, shape="rest-csv")` writes one export folder the loader reads:
one file per REST entity (Companies, Contracts, ContractServices, ... Tickets, TimeEntries, BillingItems,
Invoices), the two capture sheets (WorkflowRules.csv, NotificationTemplates.csv) and client.yaml.

- Same size + seed + shape gives byte-identical files. The table content depends on size and seed only, so
  the three shapes of one seed hold the same records (useful to compare loader results across shapes).
- Everything is vectorised with numpy/pandas (no Python loop per row); `large` (about a million tickets and
  three million time entries) is meant to finish in a few minutes.
- `PLANTED` describes each problem the audit rules look for and where it is planted; `build(...).planted`
  holds the exact ids per rule and entity, so tests can check every planted problem is found.

Shapes:
- `rest-csv`: REST field names as headers, ISO UTC datetimes (`2024-01-31T00:00:00.000Z`), true/false, picklist codes.
- `json`: REST JSON, rotating over a single `{"items", "pageDetails"}` response, a list of 500-record pages, a bare
  list and JSON Lines; Companies and Contracts carry `userDefinedFields`; `fields/<Entity>.json` picklist metadata.
- `grid-csv`: what Autotask's grid export looks like: display-label headers, "Organization" holding the company
  name, picklist labels, Yes/No, dd/MM/yyyy dates, "$1,250.00" money, Windows-1252 Companies.csv, UTF-8 BOM others;
  `fields/<Entity>.json` so labelled picklists can be mapped back to codes; client.yaml says `date_format: dd/MM/yyyy`.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from readiness import entities as ents
from readiness import exportwriter

# ----------------------------------------------------------------------------------------------------------------
# Fixed points: the export is "taken" on EXPORT_DATE, history starts in 2016.
# ----------------------------------------------------------------------------------------------------------------
EXPORT_DATE = np.datetime64("2025-06-30", "D")
HISTORY_START = np.datetime64("2016-01-01", "D")
OPEN_ENDED = np.datetime64("9999-12-31", "D")
STALE_DAYS = 180  # the rules' default `stale_days`; plants sit well clear of it (>= 200 days, <= 150 days)
SHAPES = ("rest-csv", "json", "grid-csv")

# The export's entities and capture sheets are the loader's catalogue (readiness.entities): one list for both.
ENTITIES = tuple(n for n in ents.ENTITIES if n not in ents.CAPTURED)
CAPTURE_SHEETS = ents.CAPTURED
WORKFLOW_COLUMNS = ents.WORKFLOW_RULE_COLUMNS
TEMPLATE_COLUMNS = ents.NOTIFICATION_TEMPLATE_COLUMNS

# Row counts per size. `medium` is about a tenth of `large`; `small` stays a few hundred rows per table so the
# committed samples stay well under 1.5 MB even as JSON.
SIZES: dict[str, dict[str, int]] = {
    "small": dict(companies=60, contacts=180, resources=16, contracts=100, services=24, bundles=5, products=20,
                  services_per_contract=3, unit_months=5, configuration_items=120, tickets=250,
                  time_entries=450, open_tickets=25, workflow_rules=30, templates=18, notification_sends=200,
                  billing_months=2),
    "medium": dict(companies=500, contacts=6000, resources=30, contracts=800, services=80, bundles=10, products=80,
                   services_per_contract=16, unit_months=36, configuration_items=10_000, tickets=100_000,
                   time_entries=300_000, open_tickets=400, workflow_rules=50, templates=30,
                   notification_sends=100_000, billing_months=12),
    "large": dict(companies=5000, contacts=60_000, resources=42, contracts=8000, services=150, bundles=15,
                  products=200, services_per_contract=16, unit_months=36, configuration_items=100_000,
                  tickets=1_000_000, time_entries=3_000_000, open_tickets=1500, workflow_rules=500, templates=300,
                  notification_sends=1_000_000, billing_months=12),
}

CLIENT_NAMES = ("Acme IT Services", "Northwind Managed IT", "Contoso Networks", "Fabrikam Technology Partners",
                "Tailspin Support Co", "Woodgrove Managed Services", "Litware IT", "Adatum Cloud Solutions")

# What is planted, per audit rule (issue 3's catalogue). `build(...).planted[rule_id]` = {REST entity: [ids]}
# (captured sheets: names). Plants are spread over different companies and contracts.
PLANTED: dict[str, str] = {
    "contract_type_mapping": "Per Ticket contracts (type 8, about 7% of contracts), active ones listed",
    "contract_block_hour_factors": "ContractBlockHourFactors (1-3 roles, x1.25-x2.0) on ~40% of Block Hours contracts",
    "contract_open_prepaid_balance": "current block / retainer / ticket purchase with balance left on ~70% of active "
                                     "prepaid contracts (the rest are used up or expired)",
    "contract_rate_overrides": "ContractRates (role rate overrides) on ~12% of active non-recurring contracts",
    "contract_role_exclusions": "ContractExclusionRoles on some contracts, and exclusion sets with excluded roles "
                                "referenced by contractExclusionSetID on others",
    "contract_worktype_exclusions": "ContractExclusionBillingCodes only, or a work-type-only exclusion set",
    "contract_exclusion_chain": "exclusionContractID: many length-1 links to the customer's T&M contract, "
                                "at least one chain of length 2 and one circular pair (listed under 'long'/'circular')",
    "contract_setup_fee": "setupFee > 0 on ~8% of contracts",
    "contract_milestones": "ContractMilestones on ~75% of Fixed Price contracts",
    "contract_billing_rule_units": "ContractBillingRules on per-contact/per-device Products (min/max units, "
                                   "proration) on Fixed Price contracts without milestones and ~10% of recurring ones",
    "contract_expired_active": "status Active with endDate 15-150 days before the export date",
    "contract_multiple_active": "customers holding more than one active contract (arises naturally, listed)",
    "contract_no_activity": "active non-recurring contracts with no tickets, time or charges after "
                            "export date - 210 days",
    "service_inactive_in_use": "inactive Services still on active recurring contracts (with current units)",
    "service_retired": "legacy Services only on contracts that ended 200+ days ago, or on none",
    "service_bundle_inactive_member": "ServiceBundles with one inactive member service",
    "workflow_rule_inactive": "inactive rows in WorkflowRules.csv",
    "workflow_rule_stale": "active rules last triggered 200+ days ago and/or flagged 'Has not triggered recently'",
    "workflow_rule_duplicate": "'Copy of ...' rules with the same entity, events and conditions as another rule",
    "notification_template_unused": "templates with no NotificationHistory send in the last 200 days "
                                    "(inactive ones, some with only old sends, some never sent)",
    "company_duplicate_name": "active customer pairs whose names differ only in case or spacing",
    "contact_missing_email": "active contacts without emailAddress",
    "contact_duplicate_email": "pairs of active contacts (different companies) sharing one email",
    "configuration_item_missing_serial": "active configuration items without serialNumber",
    "orphan_reference": "ContractServices -> missing contract, Tickets -> missing contract, "
                        "TimeEntries -> missing ticket",
    "ticket_open_unassigned": "open tickets with neither queueID nor assignedResourceID",
    "ticket_open_inactive_resource": "open tickets assigned to an inactive resource",
}

# ----------------------------------------------------------------------------------------------------------------
# Picklists (codes -> labels). Contract/ticket/company/security-level codes follow Autotask's system values; codes
# Autotask does not publish (periods, billing codes' useType beyond 1, milestone status ...) are this sample's own.
# ----------------------------------------------------------------------------------------------------------------
CONTRACT_TYPES = {1: "Time & Materials", 3: "Fixed Price", 4: "Block Hours", 6: "Retainer", 7: "Recurring Service",
                  8: "Per Ticket"}
ACTIVE_STATUS = {0: "Inactive", 1: "Active"}
TICKET_STATUS = {1: "New", 5: "Complete", 7: "Waiting Customer", 8: "In Progress", 9: "Waiting Materials",
                 10: "Dispatched", 11: "Escalate", 12: "Waiting Vendor", 13: "Waiting Approval"}
COMPANY_TYPES = {1: "Customer", 2: "Lead", 3: "Prospect", 4: "Dead", 6: "Cancellation", 7: "Vendor", 8: "Partner"}
SECURITY_LEVELS = {1: "System Administrator", 2: "Manager", 3: "Project Manager", 4: "Sales", 5: "Team Member",
                   6: "Contractor", 7: "Service Desk User", 8: "Private CRM", 9: "Time and Attendance",
                   13: "API User (system)", 27: "Service Coordinator"}
LICENSE_TYPES = {1: "Administrator", 2: "Executive", 3: "Professional", 4: "Team Member", 5: "Time & Attendance Only",
                 6: "Dashboard User", 7: "API User", 8: "Contractor", 9: "Co-managed Help Desk"}
PERIOD_TYPES = {1: "One Time", 2: "Monthly", 3: "Quarterly", 4: "Semi-Annual", 5: "Yearly"}
BILLING_TYPES = {1: "Standard", 2: "Per Contact", 3: "Per Device"}
USE_TYPES = {1: "Work Type", 2: "Material", 3: "Internal Time", 4: "Expense Category", 5: "Recurring Contract Service",
             6: "Milestone"}
PRIORITIES = {1: "High", 2: "Medium", 3: "Low", 4: "Critical"}
TICKET_TYPES = {1: "Service Request", 2: "Incident", 3: "Problem", 4: "Change Request", 5: "Alert"}
SOURCES = {-1: "Client Portal", 1: "Other", 2: "Phone", 4: "Email", 6: "In Person/Onsite", 8: "Monitoring Alert"}
QUEUES = {5: "Client Portal", 8: "Monitoring Alert", 29683325: "Helpdesk Queue", 29748501: "Triage",
          30082681: "RMM Triage", 30082686: "Project Tickets", 30082688: "Service Coordination"}
SLAS = {1: "Standard SLA", 2: "Premium SLA", 3: "24 x 7", 4: "Basic Support SLA"}
CONTRACT_CATEGORIES = {16: "Managed Services", 17: "Break/Fix", 18: "Projects", 19: "Prepaid Support",
                       20: "Cloud & Licensing"}
BILLING_PREFERENCES = {1: "Manually", 2: "On timesheet approval", 3: "Immediately without review"}
CLASSIFICATIONS = {1: "Premium", 2: "Standard", 3: "Basic"}

# Picklist columns written as labels in the grid shape (and described in fields/<Entity>.json).
PICKLISTS: dict[str, dict[str, dict[int, str]]] = {
    "Companies": {"companyType": COMPANY_TYPES, "classification": CLASSIFICATIONS},
    "Contracts": {"contractType": CONTRACT_TYPES, "status": ACTIVE_STATUS, "contractPeriodType": PERIOD_TYPES,
                  "billingPreference": BILLING_PREFERENCES, "contractCategory": CONTRACT_CATEGORIES,
                  "serviceLevelAgreementID": SLAS},
    "Tickets": {"status": TICKET_STATUS, "priority": PRIORITIES, "queueID": QUEUES, "ticketType": TICKET_TYPES,
                "source": SOURCES, "serviceLevelAgreementID": SLAS},
    "Resources": {"userType": SECURITY_LEVELS, "licenseType": LICENSE_TYPES},
    "Products": {"billingType": BILLING_TYPES, "periodType": PERIOD_TYPES},
    "Services": {"periodType": PERIOD_TYPES},
    "ServiceBundles": {"periodType": PERIOD_TYPES},
    "BillingCodes": {"useType": USE_TYPES},
}

# Date-only fields (midnight UTC in REST, no time in grid exports); every other datetime column carries a time.
DATE_ONLY = {"startDate", "endDate", "dateWorked", "datePurchased", "dateDue", "hireDate", "itemDate", "installDate",
             "warrantyExpirationDate", "fromDate", "toDate", "dueDate", "paidDate", "last_triggered", "last_modified"}
# Money columns: currency symbol and thousands separators in the grid shape.
MONEY = {"setupFee", "unitPrice", "unitCost", "amount", "amountApproved", "rate", "extendedPrice", "hourlyRate",
         "price", "cost", "perTicketRate", "contractHourlyRate", "internalCurrencyContractHourlyRate",
         "overageBillingRate", "estimatedCost", "estimatedRevenue", "billableAmount", "extendedCost", "invoiceTotal",
         "totalTaxValue", "adjustedPrice", "msrp", "internalCost", "dailyProratedPrice", "dailyProratedCost",
         "ourCost", "totalAmount"}
# Tables whose company reference a grid export shows as the company's name under the tenant term.
ORGANIZATION_TABLES = {"Contracts", "Contacts", "Tickets", "ConfigurationItems"}
JSON_FORMS = exportwriter.FORMS
PAGE_SIZE = exportwriter.PAGE_SIZE

# ----------------------------------------------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------------------------------------------
_A = lambda *xs: np.array(xs, dtype=object)  # noqa: E731  (object arrays: cheap takes, no fixed-width padding)

NAME_FIRST = _A(
    "Harbor", "Summit", "Bluewater", "Redwood", "Granite", "Silver Oak", "Northgate", "Ironbark", "Maple", "Cedar",
    "Riverside", "Lakeside", "Pinnacle", "Horizon", "Keystone", "Evergreen", "Sterling", "Beacon", "Coastal",
    "Highland", "Meridian", "Orchard", "Parkview", "Westbrook", "Eastwood", "Brightwater", "Fairview", "Golden Gate",
    "Kingfisher", "Lighthouse", "Oakridge", "Pioneer", "Quarry", "Rosewood", "Sandstone", "Stonebridge", "Sunrise",
    "Tidewater", "Valley", "Willow", "Atlas", "Bridgeport", "Crescent", "Driftwood", "Elmstead", "Foxglove",
    "Greenfield", "Hawthorn", "Juniper", "Larkspur", "Marlow", "Newbury", "Oxley", "Primrose", "Ravenswood",
    "Seaview", "Thornbury", "Upland", "Wattle", "Yarra")
NAME_SECOND = _A(
    "Logistics", "Dental", "Legal", "Accounting", "Engineering", "Architects", "Medical Centre", "Veterinary",
    "Construction", "Plumbing", "Electrical", "Property Group", "Realty", "Financial", "Insurance", "Freight",
    "Manufacturing", "Foods", "Wines", "Printing", "Pharmacy", "Physiotherapy", "Community Health", "Education",
    "Consulting", "Design", "Marketing", "Transport", "Hospitality", "Motors", "Timber", "Steel", "Labs", "Capital",
    "Advisory", "Surveyors", "Landscaping", "Security", "Travel", "Energy")
NAME_SUFFIX = _A("", " Ltd", " Pty Ltd", " LLC", " Group", " & Co", " Inc", " Partners")
SPECIAL_NAMES = _A("Café Société Ltd", "Müller & Söhne GmbH", "Smith, Jones & Partners")
VENDORS = _A(
    "Pax8", "Ingram Micro", "TD Synnex", "Dicker Data", "Dell Technologies", "Lenovo", "HP Inc", "Cisco Meraki",
    "Ubiquiti", "Microsoft", "Datto", "Kaseya", "N-able", "Telstra Wholesale", "Optus Business", "Webroot",
    "SentinelOne", "Mimecast", "Proofpoint", "Sophos", "Fortinet", "APC by Schneider Electric", "Leader Computers",
    "Amazon Web Services", "Synology")
FIRST_NAMES = _A(
    "James", "Olivia", "Liam", "Emma", "Noah", "Charlotte", "Oliver", "Amelia", "William", "Mia", "Jack", "Isla",
    "Henry", "Grace", "Lucas", "Chloe", "Thomas", "Ava", "Leo", "Sophie", "Ethan", "Zoe", "Samuel", "Ruby", "Daniel",
    "Lily", "Matthew", "Hannah", "Joshua", "Emily", "Ryan", "Sarah", "Nathan", "Jessica", "Benjamin", "Laura",
    "Michael", "Rachel", "David", "Megan", "Andrew", "Priya", "Raj", "Mei", "Wei", "Aisha", "Omar", "Fatima", "Carlos",
    "Sofia", "Lars", "Ingrid", "Kenji", "Yuki", "Patrick", "Siobhan", "Tom", "Kate", "Peter", "Anna")
LAST_NAMES = _A(
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson", "Thompson",
    "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davis", "Wright", "Evans",
    "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason",
    "Mitchell", "Rose", "Davies", "Rodriguez", "Cox", "Alexander", "Garden", "Campbell", "Johnston", "Moore", "Smyth",
    "O'Brien", "O'Neill", "McDonald", "Murphy", "Chen", "Wang", "Singh", "Kaur", "Tran", "Le", "Pham", "Kim", "Park",
    "Garcia", "Martinez", "Lopez", "Müller", "Schmidt", "Fischer", "Rossi", "Russo", "Bianchi", "Dubois", "Laurent",
    "Sato", "Suzuki", "Tanaka", "Cohen", "Levy", "Novak", "Kowalski", "Nowak", "Hansen", "Larsen")
CONTACT_TITLES = _A("Office Manager", "Director", "CFO", "Practice Manager", "Operations Manager", "Receptionist",
                    "IT Coordinator", "Accounts Payable", "Managing Partner", "Owner", "HR Manager", "Sales Manager",
                    "Bookkeeper", "Engineer", "Consultant", "General Manager")
CITIES = _A(("Sydney", "NSW", "2000"), ("Melbourne", "VIC", "3000"), ("Brisbane", "QLD", "4000"),
            ("Perth", "WA", "6000"), ("Adelaide", "SA", "5000"), ("Parramatta", "NSW", "2150"),
            ("Geelong", "VIC", "3220"), ("Gold Coast", "QLD", "4217"), ("Newcastle", "NSW", "2300"),
            ("Hobart", "TAS", "7000"), ("Canberra", "ACT", "2600"), ("Wollongong", "NSW", "2500"))
STREETS = _A("George St", "High St", "Station Rd", "Church St", "King St", "Queen St", "Park Rd", "Victoria Rd",
             "Main St", "Harbour Dr", "Commercial Rd", "Pacific Hwy")

# name, hourly rate, hourly factor, active, technician role
ROLES = [("Helpdesk L1", 120, 1.0, True), ("Helpdesk L2", 140, 1.0, True), ("Senior Engineer", 175, 1.0, True),
         ("Network Engineer", 185, 1.0, True), ("Security Engineer", 195, 1.0, True),
         ("Project Engineer", 165, 1.0, True), ("Onsite Technician", 150, 1.0, True),
         ("After Hours Support", 210, 1.5, True), ("vCIO / Consultant", 250, 1.0, True),
         ("Project Manager", 160, 1.0, True), ("Administrative", 85, 1.0, True),
         ("Legacy Desktop Support", 110, 1.0, False)]
TECH_ROLES = np.array([0, 1, 2, 3, 4, 5, 6])  # indices into ROLES a technician defaults to

# name, useType, unit price, active
BILLING_CODES = [("Remote Support", 1, 140.0, True), ("Onsite Support", 1, 160.0, True),
                 ("After Hours Support", 1, 210.0, True), ("Project Labour", 1, 165.0, True),
                 ("Travel", 1, 90.0, True), ("Training", 1, 140.0, True), ("Consulting", 1, 250.0, True),
                 ("Emergency Callout", 1, 250.0, True), ("Warranty Work", 1, 0.0, True),
                 ("Hardware", 2, 0.0, True), ("Software Licensing", 2, 0.0, True), ("Freight", 2, 0.0, True),
                 ("Setup Fees", 2, 0.0, True), ("Internal Admin", 3, 0.0, True),
                 ("Managed Services", 5, 0.0, True), ("Cloud & Licensing", 5, 0.0, True),
                 ("Security Services", 5, 0.0, True), ("Backup & Continuity", 5, 0.0, True),
                 ("Project Milestone", 6, 0.0, True), ("Legacy Break/Fix", 1, 120.0, False)]
BC = {name: i for i, (name, *_rest) in enumerate(BILLING_CODES)}

# name, monthly price, cost, billing code, period
SERVICES = [
    ("Managed Workstation", 55, 18, "Managed Services", 2), ("Managed Server", 220, 70, "Managed Services", 2),
    ("Managed Network Device", 35, 10, "Managed Services", 2),
    ("Microsoft 365 Business Basic", 9.6, 7.2, "Cloud & Licensing", 2),
    ("Microsoft 365 Business Standard", 19.8, 15.0, "Cloud & Licensing", 2),
    ("Microsoft 365 Business Premium", 33, 26.4, "Cloud & Licensing", 2),
    ("Exchange Online Plan 1", 6, 4.8, "Cloud & Licensing", 2),
    ("Endpoint Detection & Response", 12, 6, "Security Services", 2),
    ("Email Security Gateway", 5, 2.2, "Security Services", 2),
    ("Security Awareness Training", 4, 1.5, "Security Services", 2), ("DNS Filtering", 3, 1.1, "Security Services", 2),
    ("Server Backup", 95, 35, "Backup & Continuity", 2), ("Microsoft 365 Backup", 4.5, 1.8, "Backup & Continuity", 2),
    ("Workstation Backup", 12, 5, "Backup & Continuity", 2),
    ("Disaster Recovery Replication", 350, 160, "Backup & Continuity", 2),
    ("Firewall Management", 90, 20, "Managed Services", 2), ("Wi-Fi Management", 25, 8, "Managed Services", 2),
    ("Dark Web Monitoring", 150, 60, "Security Services", 2), ("Patch Management", 8, 2, "Managed Services", 2),
    ("Remote Monitoring", 6, 2, "Managed Services", 2), ("Helpdesk Per User", 45, 15, "Managed Services", 2),
    ("Unlimited Helpdesk", 65, 25, "Managed Services", 2), ("Onsite Support Visit", 400, 200, "Managed Services", 2),
    ("vCIO Advisory", 750, 300, "Managed Services", 2), ("Documentation Management", 75, 25, "Managed Services", 2),
    ("Domain Name Renewal", 30, 12, "Cloud & Licensing", 5), ("SSL Certificate", 95, 45, "Cloud & Licensing", 5),
    ("Azure Hosting", 500, 380, "Cloud & Licensing", 2), ("VoIP Seat", 35, 20, "Cloud & Licensing", 2),
    ("Business Internet", 120, 80, "Cloud & Licensing", 2), ("Mobile Device Management", 6, 3, "Managed Services", 2),
    ("Password Manager", 4, 2, "Security Services", 2), ("Compliance Reporting", 200, 60, "Security Services", 2),
    ("Printer Fleet Management", 30, 12, "Managed Services", 2), ("Managed Switch", 20, 6, "Managed Services", 2),
    ("Cloud File Server", 60, 25, "Cloud & Licensing", 2)]
SERVICE_TIERS = _A("", " - Essentials", " - Premium", " - Enterprise", " - Legacy Plan")
LEGACY_SERVICES = [("Windows 7 Extended Support", 25, 10), ("SBS 2011 Management", 180, 60),
                   ("Tape Backup Rotation", 120, 40), ("Symantec Antivirus (Legacy)", 4, 2),
                   ("On-Prem Exchange 2010 Management", 150, 50), ("Legacy Fax Server Support", 45, 15),
                   ("BlackBerry Enterprise Service", 10, 4), ("Windows Server 2008 Support", 90, 30)]
BUNDLES = _A("Essentials Care Bundle", "Complete Care Bundle", "Secure Workplace Bundle", "Cloud Office Bundle",
             "Server Care Bundle", "Startup Bundle", "Remote Worker Bundle", "Compliance Bundle",
             "Network Care Bundle", "Premium Support Bundle")
# name, manufacturer, price, cost, configuration item type (1 Workstation, 2 Server, 3 Network, 4 Printer, 5 Mobile)
HARDWARE = [("Dell Latitude 5440 Laptop", "Dell", 1650, 1380, 1), ("Dell OptiPlex 7010 Desktop", "Dell", 1250, 1020, 1),
            ("Lenovo ThinkPad T14 Gen 4", "Lenovo", 1890, 1560, 1), ("HP EliteBook 840 G10", "HP", 2050, 1700, 1),
            ("Microsoft Surface Pro 9", "Microsoft", 2300, 1950, 1), ("Apple MacBook Air 13", "Apple", 1899, 1650, 1),
            ("Dell PowerEdge R750 Server", "Dell", 14500, 11800, 2),
            ("HPE ProLiant DL380 Gen10", "HPE", 12900, 10400, 2),
            ("Synology RS1221+ NAS", "Synology", 2400, 1900, 2), ("Cisco Meraki MX68 Firewall", "Cisco", 1450, 1100, 3),
            ("Fortinet FortiGate 60F", "Fortinet", 1100, 820, 3),
            ("Ubiquiti UniFi Switch 24 PoE", "Ubiquiti", 690, 520, 3),
            ("Cisco Meraki MR46 Access Point", "Cisco", 1250, 950, 3), ("APC Smart-UPS 1500", "APC", 1190, 900, 3),
            ("HP LaserJet Pro M404dn", "HP", 520, 400, 4), ("Brother MFC-L8900CDW", "Brother", 1150, 890, 4),
            ("Dell P2723D 27in Monitor", "Dell", 520, 410, 1), ("Yealink T54W IP Phone", "Yealink", 290, 210, 5),
            ("Apple iPhone 15", "Apple", 1499, 1350, 5), ("Samsung Galaxy Tab A9", "Samsung", 399, 330, 5)]
# name, billing type (2 per contact, 3 per device), price, cost
BILLING_PRODUCTS = [("Per User Support (Per Contact)", 2, 45, 15), ("Microsoft 365 Seat (Per Contact)", 2, 33, 26.4),
                    ("Security Awareness Seat (Per Contact)", 2, 4, 1.5), ("Managed Endpoint (Per Device)", 3, 55, 18),
                    ("Server Monitoring (Per Device)", 3, 220, 70), ("Backup Agent (Per Device)", 3, 12, 5)]
TICKET_TITLES = _A(
    "Cannot connect to VPN", "Outlook keeps asking for password", "Printer offline", "New starter setup",
    "Leaver - disable account", "Password reset", "Slow computer", "Wi-Fi dropping out", "Shared drive not mapping",
    "MFA device replacement", "Teams calls dropping", "Backup job failed", "Disk space low on server",
    "Firewall alert - high CPU", "Phishing email reported", "Install Adobe Acrobat", "Laptop screen cracked",
    "Email bounce-back from client", "SharePoint permissions request", "Monitor not detected", "Server reboot required",
    "Antivirus definitions out of date", "Scan to email not working", "Mailbox full", "License request - M365",
    "Website down", "Phone handset not registering", "Quote request - new laptops", "Patch install failures",
    "Account locked out")
TIME_NOTES = _A(
    "Remote session, resolved", "Reset password and confirmed with user", "Reinstalled driver, tested print",
    "Checked backup logs, re-ran job", "Cleared disk space, extended volume", "Configured new user account",
    "Replaced hardware, tested", "Called user, awaiting response", "Applied patches and rebooted",
    "Investigated alert, false positive", "Updated firewall rule", "Escalated to vendor", "Onsite visit, resolved",
    "Documented configuration in IT Glue", "Migrated mailbox", "Travel to site", "Follow-up call with client")
TEMPLATE_BASE = [
    ("Customer - Ticket Created", "Tickets", "Ticket Created", "client", "We received your request [Ticket Number]"),
    ("Customer - Ticket Completed", "Tickets", "Ticket Completed", "client", "Ticket [Ticket Number] is complete"),
    ("Customer - Ticket Note Added", "Tickets", "Note Added", "client", "Update on [Ticket Number]"),
    ("Customer - Waiting Customer Reminder", "Tickets", "Ticket Edited", "client",
     "We need your reply on [Ticket Number]"),
    ("Customer - Survey Request", "Tickets", "Ticket Completed", "client", "How did we do?"),
    ("Customer - Scheduled Visit Confirmation", "Tickets", "Service Call Scheduled", "client", "Visit booked"),
    ("Customer - After Hours Acknowledgement", "Tickets", "Ticket Created", "client", "Received after hours"),
    ("Internal - Ticket Assigned", "Tickets", "Ticket Assigned", "internal", "[Ticket Number] assigned to you"),
    ("Internal - Ticket Escalated", "Tickets", "Ticket Edited", "internal", "Escalated: [Ticket Number]"),
    ("Internal - SLA Breach Warning", "Tickets", "SLA Event", "internal", "SLA at risk: [Ticket Number]"),
    ("Internal - Critical Alert Created", "Tickets", "Ticket Created", "internal", "CRITICAL: [Title]"),
    ("Internal - Customer Replied", "Tickets", "Note Added", "internal", "Customer replied on [Ticket Number]"),
    ("Internal - Time Entry Added", "Tickets", "Time Entry Added", "internal", "Time logged on [Ticket Number]"),
    ("Internal - Ticket Reopened", "Tickets", "Ticket Edited", "internal", "Reopened: [Ticket Number]"),
    ("Customer - Project Kickoff", "Projects", "Project Created", "client", "Your project is starting"),
    ("Internal - Project Task Assigned", "Tasks", "Task Assigned", "internal", "Task assigned"),
    ("Internal - Task Overdue", "Tasks", "Task Edited", "internal", "Task overdue"),
    ("Customer - Project Status Update", "Projects", "Project Edited", "client", "Project status update"),
    ("Internal - Contract Expiring", "Contracts", "Contract Expiring", "internal", "Contract expiring soon"),
    ("Internal - Block Hours Low", "Contracts", "Block Hours Threshold", "internal", "Block hours running low"),
    ("Customer - Block Hours Low", "Contracts", "Block Hours Threshold", "client", "Your prepaid hours are low"),
    ("Customer - Quote Sent", "Quotes", "Quote Sent", "client", "Your quote from us"),
    ("Internal - Opportunity Won", "Opportunities", "Opportunity Edited", "internal", "Opportunity won"),
    ("Customer - Invoice Available", "Invoices", "Invoice Created", "client", "Your invoice is ready"),
    ("Internal - Device Warranty Expiring", "Devices", "Warranty Expiring", "internal", "Warranty expiring"),
    ("Customer - Password Reset Confirmation", "Tickets", "Ticket Completed", "client", "Your password was reset")]
TEMPLATE_VARIANTS = _A("", " - Premium Clients", " - After Hours", " (v2)", " - Co-managed", " - Legacy",
                       " - Executive", " - Healthcare", " - Projects Team", " - Copy", " - Old", " - Test")
# rule name, area tab, entity, events, conditions, actions, template, notify, time offset
WORKFLOW_BASE = [
    ("Customer - Ticket Created Acknowledgement", "Service Desk", "Ticket", "Created",
     "Source equal to 'Email'|Queue not equal to 'Monitoring Alert'", "Send notification",
     "Customer - Ticket Created", "Contact", ""),
    ("Customer - Ticket Completed", "Service Desk", "Ticket", "Edited", "Status changed to 'Complete'",
     "Send notification", "Customer - Ticket Completed", "Contact", ""),
    ("Internal - Critical To Triage", "Service Desk", "Ticket", "Created|Edited", "Priority equal to 'Critical'",
     "Assign To Queue 'Triage'|Set Service Level Agreement As '24 x 7'|Send notification",
     "Internal - Critical Alert Created", "Primary Resource|Queue Members", ""),
    ("Internal - Notify Resource On Assignment", "Service Desk", "Ticket", "Edited", "Primary Resource changed",
     "Send notification", "Internal - Ticket Assigned", "Primary Resource", ""),
    ("Internal - SLA Breach Warning", "Service Desk", "Ticket", "Created",
     "Status not equal to 'Complete'|Resolution Due within '2 Hours'", "Send notification",
     "Internal - SLA Breach Warning", "Primary Resource|Service Desk Manager", "2 Hours"),
    ("Customer - Waiting Customer Reminder", "Service Desk", "Ticket", "Edited", "Status equal to 'Waiting Customer'",
     "Send notification|Add Note", "Customer - Waiting Customer Reminder", "Contact", "2 Calendar Days"),
    ("Auto-close Waiting Customer", "Service Desk", "Ticket", "Edited",
     "Status equal to 'Waiting Customer'|Last Activity older than '7 Calendar Days'", "Set Status To 'Complete'",
     "", "Primary Resource", "7 Calendar Days"),
    ("Monitoring Alert Routing", "Service Desk", "Ticket", "Created", "Source equal to 'Monitoring Alert'",
     "Assign To Queue 'RMM Triage'|Set Priority To 'Medium'", "", "Queue Members", ""),
    ("Critical Ticket Premium Customer", "Service Desk", "Ticket", "Created|Edited",
     "Issue in list 'Server OR Network Device'|Organization Classification equal to 'Premium'",
     "Assign To Queue 'Triage'|Set Priority To 'Critical'|Set Service Level Agreement As 'Premium SLA'"
     "|Send notification",
     "Internal - Critical Alert Created", "Primary Organization Contact", ""),
    ("Internal - Customer Replied", "Service Desk", "Ticket", "Note Added", "Note Type equal to 'Customer Note'",
     "Set Status To 'In Progress'|Send notification", "Internal - Customer Replied", "Primary Resource", ""),
    ("Customer - Survey After Completion", "Service Desk", "Ticket", "Edited",
     "Status changed to 'Complete'|Ticket Type equal to 'Service Request'", "Send notification",
     "Customer - Survey Request", "Contact", ""),
    ("Reopen On Customer Reply", "Service Desk", "Ticket", "Note Added",
     "Status equal to 'Complete'|Note Type equal to 'Customer Note'", "Set Status To 'New'", "",
     "Primary Resource", ""),
    ("Customer - After Hours Acknowledgement", "Service Desk", "Ticket", "Created",
     "Created outside business hours equal to 'True'", "Send notification",
     "Customer - After Hours Acknowledgement", "Contact", ""),
    ("Escalate Unassigned After 1 Hour", "Service Desk", "Ticket", "Created",
     "Primary Resource is empty|Status equal to 'New'", "Assign To Queue 'Service Coordination'|Send notification",
     "Internal - Ticket Escalated", "Service Desk Manager", "1 Hours"),
    ("Internal - Time Entry Over 4 Hours", "Service Desk", "Ticket", "Time Entry Added",
     "Hours Worked greater than '4'", "Send notification", "Internal - Time Entry Added", "Account Manager", ""),
    ("Contract - Expiry Warning 30 Days", "Contract", "Contract", "Created|Edited",
     "Status equal to 'Active'|End Date within '30 Calendar Days'", "Send notification|Create To-Do",
     "Internal - Contract Expiring", "Account Manager", "30 Calendar Days"),
    ("Contract - Block Hours Below 20%", "Contract", "Contract", "Edited",
     "Contract Type equal to 'Block Hours'|Remaining Hours less than '20%'", "Send notification",
     "Customer - Block Hours Low", "Contract Contact|Account Manager", ""),
    ("Contract - New Recurring Contract Setup", "Contract", "Contract", "Created",
     "Contract Type equal to 'Recurring Service'", "Create To-Do 'Set up billing'", "", "Billing Team", ""),
    ("Project - Kickoff Notification", "Projects", "Project", "Created", "Project Type equal to 'Client'",
     "Send notification", "Customer - Project Kickoff", "Project Contact", ""),
    ("Project - Task Overdue", "Projects", "Task", "Edited",
     "Status not equal to 'Complete'|Due Date older than '0 Calendar Days'", "Send notification",
     "Internal - Task Overdue", "Project Lead", "1 Calendar Days"),
    ("Project - Task Assigned", "Projects", "Task", "Edited", "Assigned Resource changed", "Send notification",
     "Internal - Project Task Assigned", "Assigned Resource", ""),
    ("CRM - Opportunity Won Handover", "CRM", "Opportunity", "Edited", "Status changed to 'Closed Won'",
     "Create Ticket 'Onboarding'|Send notification", "Internal - Opportunity Won", "Account Manager", ""),
    ("CRM - Quote Sent Follow-up", "CRM", "Quote", "Edited", "Status equal to 'Sent'",
     "Create To-Do 'Follow up quote'", "Customer - Quote Sent", "Opportunity Owner", "3 Calendar Days"),
    ("CRM - Device Warranty Expiring", "CRM", "Device", "Edited", "Warranty Expiration within '60 Calendar Days'",
     "Create Ticket 'Warranty renewal'|Send notification", "Internal - Device Warranty Expiring", "Account Manager",
     "60 Calendar Days"),
    ("Sales Order Fulfilment", "CRM", "Sales Order", "Created", "Status equal to 'New'",
     "Create To-Do 'Order hardware'", "", "Procurement", "")]
NATIVE_INTEGRATIONS = (("Datto RMM", "NinjaOne", "N-able N-central"), ("Xero", "QuickBooks Online"),
                       ("IT Glue", "Hudu"), ("Pax8", "Microsoft CSP"))
NO_NATIVE_INTEGRATIONS = _A("Acme Legacy Backup Portal", "HomeGrown Quote Builder", "Legacy SMS Gateway")


# ----------------------------------------------------------------------------------------------------------------
# Small vectorised helpers
# ----------------------------------------------------------------------------------------------------------------
def _rng(seed: int, part: str) -> np.random.Generator:
    """One generator per table, so changing one table's recipe does not reshuffle the others."""
    return np.random.default_rng([int(seed), zlib.crc32(part.encode())])


def _ids(rng: np.random.Generator, n: int, start: int, max_gap: int = 3) -> np.ndarray:
    """Increasing Autotask-style ids from `start`, with small random gaps (deleted records)."""
    return start + np.cumsum(rng.integers(1, max_gap + 1, n)).astype(np.int64)


def _exact(rng: np.random.Generator, values, p, n: int) -> np.ndarray:
    """`n` values in exactly the proportions `p` (rounded), shuffled: stable plant counts for every seed."""
    p = np.asarray(p, float) / np.sum(p)
    counts = np.floor(p * n).astype(int)
    counts[np.argmax(p)] += n - counts.sum()
    return rng.permutation(np.repeat(np.asarray(values), counts))


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For owners with `counts` children: each child's owner index and position within its owner."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(counts.sum()) - np.repeat(starts, counts)


def _groups(owner: np.ndarray, n_owners: int):
    """Members of each owner: (member order, start, count) for `_member`."""
    owner = np.asarray(owner, dtype=np.int64)
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=n_owners)[:n_owners]
    return order, np.cumsum(counts) - counts, counts


def _member(rng: np.random.Generator, groups, owners: np.ndarray) -> np.ndarray:
    """A random member index of each owner in `owners` (-1 when the owner has none)."""
    order, starts, counts = groups
    owners = np.asarray(owners, dtype=np.int64)
    c = counts[owners]
    if len(order) == 0:
        return np.full(len(owners), -1)
    pick = starts[owners] + (rng.random(len(owners)) * np.maximum(c, 1)).astype(np.int64)
    return np.where(c > 0, order[np.minimum(pick, len(order) - 1)], -1)


def _spread(rng: np.random.Generator, cand, group, k: int) -> np.ndarray:
    """Pick `k` of the candidate indices, one per group (company, contract ...) while groups last."""
    cand = np.asarray(cand, dtype=np.int64)
    if k <= 0 or len(cand) == 0:
        return np.array([], dtype=np.int64)
    c = cand[rng.permutation(len(cand))]
    _, first = np.unique(np.asarray(group)[c], return_index=True)
    firsts = c[np.sort(first)]
    rest = c[~np.isin(c, firsts)]
    return np.concatenate([firsts, rest])[:k]


def _topk(rng: np.random.Generator, k: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row i, k[i] distinct choices among len(weights) items (Gumbel top-k): (row, choice) pairs."""
    k = np.minimum(np.asarray(k), len(weights))
    keys = rng.gumbel(size=(len(k), len(weights))) + np.log(np.asarray(weights, float))
    order = np.argsort(-keys, axis=1)
    rows, cols = np.nonzero(np.arange(len(weights))[None, :] < k[:, None])
    return rows, order[rows, cols]


def _month(d: np.ndarray) -> np.ndarray:
    """First day of each date's month."""
    return d.astype("datetime64[M]").astype("datetime64[D]")


def _add_months(d: np.ndarray, k) -> np.ndarray:
    """Month start `k` months after the month of `d`."""
    return (d.astype("datetime64[M]") + np.asarray(k).astype("timedelta64[M]")).astype("datetime64[D]")


def _days(n) -> np.ndarray:
    return np.asarray(n).astype(np.int64).astype("timedelta64[D]")


def _secs(n) -> np.ndarray:
    return np.asarray(n).astype(np.int64).astype("timedelta64[s]")


def _uniform_days(rng: np.random.Generator, lo, hi, n: int | None = None) -> np.ndarray:
    """Uniform dates in [lo, hi] (arrays or scalars)."""
    lo = np.asarray(lo, dtype="datetime64[D]")
    hi = np.asarray(hi, dtype="datetime64[D]")
    span = np.maximum((hi - lo).astype(np.int64), 0)
    size = n if n is not None else np.broadcast(lo, hi).shape
    return lo + _days(np.floor(rng.random(size) * (span + 1)))


def _at(day: np.ndarray, seconds) -> np.ndarray:
    """Datetime from a date plus seconds after midnight."""
    return day.astype("datetime64[s]") + _secs(seconds)


def _work_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time of day: mostly business hours (07:30-18:00), 8% after hours; whole minutes."""
    business = rng.integers(450, 1080, n) * 60
    anytime = rng.integers(0, 1440, n) * 60
    return np.where(rng.random(n) < 0.92, business, anytime)


def _money(x) -> np.ndarray:
    return np.round(np.asarray(x, float), 2)


def _opt_int(values, missing=None) -> pd.arrays.IntegerArray:
    """Nullable Int64 from ints; `missing` (bool mask) or negative values mark nulls."""
    v = np.asarray(values, dtype=np.int64)
    m = (v < 0) if missing is None else np.asarray(missing, bool)
    return pd.arrays.IntegerArray(np.where(m, 0, v), m)


def _opt_text(values: np.ndarray, missing) -> np.ndarray:
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(missing, bool)] = None
    return out


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and str scalars; a missing piece makes the result missing."""
    n = max((len(p) for p in parts if not isinstance(p, str)), default=1)
    out = None
    for p in parts:
        piece = p if isinstance(p, str) else pd.Series(np.asarray(p, dtype=object), dtype="string")
        if out is None:
            out = pd.Series([piece] * n, dtype="string") if isinstance(piece, str) else piece
        else:
            out = out + piece
    return out.to_numpy(dtype=object, na_value=None)


def _slug(names: np.ndarray) -> np.ndarray:
    """ASCII lowercase letters/digits only: e-mail domains and user names from names."""
    s = pd.Series(np.asarray(names, dtype=object), dtype="string").str.normalize("NFKD")
    s = s.str.encode("ascii", "ignore").str.decode("ascii").str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    return s.to_numpy(dtype=object, na_value="")


def _frame(cols: dict) -> pd.DataFrame:
    """DataFrame with datetimes at millisecond precision (9999-12-31 fits) and text as pandas strings."""
    out = {}
    for k, v in cols.items():
        if isinstance(v, np.ndarray) and v.dtype.kind == "M":
            v = v.astype("datetime64[ms]")
        elif isinstance(v, np.ndarray) and v.dtype == object:
            v = pd.array(v, dtype="string")
        out[k] = v
    return pd.DataFrame(out)


def _n(size_value: int, frac: float, minimum: int) -> int:
    return max(minimum, int(round(size_value * frac)))


# ----------------------------------------------------------------------------------------------------------------
# The sample
# ----------------------------------------------------------------------------------------------------------------
@dataclass
class Sample:
    """One generated export in memory: REST-shaped tables, capture sheets, client.yaml and the plant register."""

    size: str
    seed: int
    client: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    planted: dict[str, dict[str, list]] = field(default_factory=dict)
    aux: dict = field(default_factory=dict, repr=False)  # generator-internal arrays shared between tables

    def plant(self, rule: str, entity: str, ids) -> None:
        ids = np.asarray(ids).tolist() if not isinstance(ids, list) else ids
        self.planted.setdefault(rule, {}).setdefault(entity, [])
        self.planted[rule][entity] = sorted(set(self.planted[rule][entity]) | set(ids))


def build(size: str = "small", seed: int = 1, client_name: str | None = None) -> Sample:
    """Generate every table for `size` ("small"|"medium"|"large") and `seed`; nothing is written."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    name = client_name or CLIENT_NAMES[(int(seed) - 1) % len(CLIENT_NAMES)]
    s = Sample(size=size, seed=int(seed), client={"name": name})
    z = SIZES[size]
    s.aux["z"] = z
    s.aux["domain"] = _slug(np.array([name], dtype=object))[0] + ".com"
    for step in (_roles, _billing_codes, _resources, _companies, _contacts, _services, _bundles, _products,
                 _contracts, _exclusions, _contract_services, _service_units, _prepaid, _contract_extras,
                 _billing_rules, _charges, _configuration_items, _tickets, _time_entries, _templates,
                 _notification_history, _workflow_rules, _billing, _orphans, _client):
        step(s)
    return s


# ---------------------------------------------------------------- people and catalogue
def _roles(s: Sample) -> None:
    rng = _rng(s.seed, "roles")
    ids = _ids(rng, len(ROLES), 29682832, 2)
    s.tables["Roles"] = _frame({
        "id": ids,
        "name": np.array([r[0] for r in ROLES], dtype=object),
        "description": np.array([f"{r[0]} labour" for r in ROLES], dtype=object),
        "hourlyRate": _money([r[1] for r in ROLES]),
        "hourlyFactor": np.array([r[2] for r in ROLES], float),
        "isActive": np.array([r[3] for r in ROLES]),
        "isSystemRole": np.zeros(len(ROLES), bool),
        "isExcludedFromNewContracts": ~np.array([r[3] for r in ROLES]),
    })
    s.aux["role_ids"] = ids
    s.aux["role_rate"] = np.array([r[1] for r in ROLES], float)


def _billing_codes(s: Sample) -> None:
    rng = _rng(s.seed, "billing_codes")
    ids = _ids(rng, len(BILLING_CODES), 29682700, 2)
    use = np.array([b[1] for b in BILLING_CODES])
    s.tables["BillingCodes"] = _frame({
        "id": ids,
        "name": np.array([b[0] for b in BILLING_CODES], dtype=object),
        "description": np.array([b[0] for b in BILLING_CODES], dtype=object),
        "useType": use,
        "billingCodeType": np.where(np.array([b[0] for b in BILLING_CODES]) == "Warranty Work", 2, 0),
        "unitPrice": _money([b[2] for b in BILLING_CODES]),
        "unitCost": np.zeros(len(BILLING_CODES)),
        "isActive": np.array([b[3] for b in BILLING_CODES]),
        "isExcludedFromNewContracts": np.zeros(len(BILLING_CODES), bool),
        "generalLedgerAccount": np.where(use == 1, "4000", np.where(use == 5, "4100", "4200")).astype(object),
    })
    s.aux["bc_ids"] = ids


def _resources(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "resources")
    n = z["resources"]
    # Non-technical staff first: two admins, two managers, sales, an API user, a bookkeeper, a coordinator.
    staff = np.array([1, 1, 2, 2, 4, 13, 9, 27])
    staff_lic = np.array([1, 1, 2, 2, 3, 7, 5, 3])
    n_tech = n - len(staff)
    tech_levels = _exact(rng, [5, 7, 6], [0.65, 0.25, 0.10], n_tech)
    tech_levels[:3] = 5  # three long-serving Team Members cover the whole history
    user_type = np.concatenate([staff, tech_levels])
    license_type = np.concatenate([staff_lic, np.select([tech_levels == 5, tech_levels == 7], [3, 4], 8)])
    is_tech = np.concatenate([np.zeros(len(staff), bool), np.ones(n_tech, bool)])
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    first[5], last[5] = "API", "Datto RMM Integration"
    hire = _uniform_days(rng, np.datetime64("2012-01-01"), EXPORT_DATE - 120, n)
    hire[len(staff):len(staff) + 3] = _uniform_days(rng, np.datetime64("2012-01-01"), np.datetime64("2015-06-30"), 3)
    # Leavers: a few technicians (not the three long-serving ones) and one former manager.
    n_leave = max(2, n_tech // 6)
    leavers = np.concatenate([len(staff) + 3 + rng.choice(n_tech - 3, n_leave, replace=False), [3]])
    active = np.ones(n, bool)
    active[leavers] = False
    leave = np.full(n, np.datetime64("9999-12-31"), dtype="datetime64[D]")
    leave[leavers] = _uniform_days(rng, EXPORT_DATE - 1500, EXPORT_DATE - 200, len(leavers))
    hire[leavers] = np.minimum(hire[leavers], leave[leavers] - 400)
    default_role = np.where(is_tech, TECH_ROLES[rng.integers(0, len(TECH_ROLES), n)], 10)
    default_role[[2, 3]] = 9  # managers run projects
    default_role[4] = 8
    ids = _ids(rng, n, 29682885, 3)
    email_local = _cat(_slug(first), ".", _slug(last))
    titles = np.select([user_type == 1, user_type == 2, user_type == 4, user_type == 13, user_type == 9,
                        user_type == 27, user_type == 6, user_type == 7],
                       ["Operations Director", "Service Manager", "Account Manager", "API User", "Bookkeeper",
                        "Service Coordinator", "Contract Engineer", "Service Desk Analyst"], "Systems Engineer")
    s.tables["Resources"] = _frame({
        "id": ids, "firstName": first, "lastName": last,
        "userName": email_local, "email": _cat(email_local, "@" + s.aux["domain"]),
        "title": titles.astype(object), "isActive": active, "licenseType": license_type, "userType": user_type,
        "resourceType": np.where(user_type == 6, "Contractor", "Employee").astype(object),
        "hireDate": hire, "defaultServiceDeskRoleID": s.aux["role_ids"][default_role],
        "internalCost": _money(rng.uniform(32, 85, n)), "locationID": np.full(n, 1, np.int64),
    })
    s.aux.update(res_ids=ids, res_active=active, res_hire=hire, res_leave=leave, res_role=default_role,
                 res_tech=np.flatnonzero(is_tech), res_email=_cat(email_local, "@" + s.aux["domain"]),
                 res_name=_cat(first, " ", last), res_fallback=len(staff))
    s.client["technicians"] = int((is_tech & active).sum())


def _companies(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "companies")
    n = z["companies"]
    ctype = _exact(rng, [1, 2, 3, 4, 6, 7, 8], [0.80, 0.06, 0.04, 0.03, 0.02, 0.04, 0.01], n)
    vendor_rows = np.flatnonzero(ctype == 7)
    ctype[vendor_rows[len(VENDORS):]] = 1  # only as many vendors as there are vendor names
    combos = rng.choice(len(NAME_FIRST) * len(NAME_SECOND) * len(NAME_SUFFIX), n, replace=False)
    i1, rest = np.divmod(combos, len(NAME_SECOND) * len(NAME_SUFFIX))
    i2, i3 = np.divmod(rest, len(NAME_SUFFIX))
    names = _cat(NAME_FIRST[i1], " ", NAME_SECOND[i2], NAME_SUFFIX[i3])
    vendors = np.flatnonzero(ctype == 7)
    names[vendors] = VENDORS[np.arange(len(vendors))]
    active = ~np.isin(ctype, [4, 6]) & (rng.random(n) > 0.03)
    customers = np.flatnonzero((ctype == 1) & active)
    special = customers[rng.choice(len(customers), len(SPECIAL_NAMES), replace=False)]
    names[special] = SPECIAL_NAMES
    # Planted: active customers whose names differ only in case or spacing. The duplicate is a stray record
    # (no contacts, contracts, tickets or devices), as typically left behind by an import.
    k = _n(n, 1 / 150, 2)
    pool = np.setdiff1d(customers, special)
    pick = pool[rng.choice(len(pool), 2 * k, replace=False)]
    orig, dup = pick[:k], pick[k:]
    variant = np.arange(k) % 3
    upper = pd.Series(names[orig], dtype="string").str.upper().to_numpy(dtype=object)
    lower = pd.Series(names[orig], dtype="string").str.lower().to_numpy(dtype=object)
    spaced = pd.Series(names[orig], dtype="string").str.replace(" ", "  ", n=1, regex=False).to_numpy(dtype=object)
    names[dup] = np.select([variant == 0, variant == 1], [upper, spaced], lower)
    ids = _ids(rng, n, 173, 3)
    s.plant("company_duplicate_name", "Companies", np.concatenate([ids[orig], ids[dup]]))
    weight = np.where((ctype == 1) & active, rng.lognormal(0, 0.9, n), 0.0)
    weight[dup] = 0.0
    create = _uniform_days(rng, np.datetime64("2011-03-01"), EXPORT_DATE - 200, n)
    city = CITIES[rng.integers(0, len(CITIES), n)]
    parent = np.full(n, -1)
    kids = customers[rng.random(len(customers)) < 0.03]
    parent[kids] = ids[customers[rng.integers(0, len(customers), len(kids))]]
    parent[parent == ids[np.arange(n)]] = -1
    domain = _slug(names)
    s.tables["Companies"] = _frame({
        "id": ids, "companyName": names, "companyNumber": _cat("C", (10000 + np.arange(n)).astype(str)),
        "companyType": ctype, "classification": _opt_int(rng.choice([1, 2, 3], n, p=[0.2, 0.5, 0.3]), ctype != 1),
        "isActive": active, "parentCompanyID": _opt_int(parent),
        "ownerResourceID": s.aux["res_ids"][rng.choice([2, 3, 4], n)],
        "phone": _cat("(0", rng.integers(2, 9, n).astype(str), ") ", rng.integers(8000, 9999, n).astype(str), " ",
                      rng.integers(1000, 9999, n).astype(str)),
        "address1": _cat(rng.integers(1, 400, n).astype(str), " ", STREETS[rng.integers(0, len(STREETS), n)]),
        "city": np.array([c[0] for c in city], dtype=object), "state": np.array([c[1] for c in city], dtype=object),
        "postalCode": np.array([c[2] for c in city], dtype=object), "countryID": np.full(n, 14, np.int64),
        "webAddress": _cat("www.", domain, ".com.au"),
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastActivityDate": _at(np.where(active, _uniform_days(rng, EXPORT_DATE - 90, EXPORT_DATE, n),
                                         _uniform_days(rng, create + 30, EXPORT_DATE - 400, n)),
                                rng.integers(8 * 3600, 17 * 3600, n)),
        "lastTrackedModifiedDateTime": _at(_uniform_days(rng, create, EXPORT_DATE, n), rng.integers(0, 86400, n)),
    })
    s.aux.update(co_ids=ids, co_type=ctype, co_active=active, co_weight=weight, co_names=names, co_domain=domain,
                 co_create=create, co_dup=dup)


def _contacts(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contacts")
    ctype, active, weight = s.aux["co_type"], s.aux["co_active"], s.aux["co_weight"].copy()
    eligible = np.isin(ctype, [1, 2, 3, 7, 8])
    eligible[s.aux["co_dup"]] = False
    base = (eligible & (weight > 0)).astype(int)  # every active customer has at least one contact
    w = np.where(eligible, np.maximum(weight, 0.25), 0.0)
    counts = base + rng.multinomial(z["contacts"] - base.sum(), w / w.sum())
    comp, pos = _expand(counts)
    n = len(comp)
    order = np.argsort(rng.random(n))  # ids follow creation order, not company order
    comp, pos = comp[order], pos[order]
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    local = _cat(_slug(first), ".", _slug(last))
    email = pd.Series(_cat(local, "@", s.aux["co_domain"][comp], ".com.au"), dtype="string")
    clash = email.groupby(email).cumcount().to_numpy()
    email = np.where(clash > 0, _cat(local, (clash + 1).astype(str), "@", s.aux["co_domain"][comp], ".com.au"),
                     email.to_numpy(dtype=object))
    is_active = (rng.random(n) > 0.08).astype(np.int64)
    is_active[~active[comp]] = 0
    ids = _ids(rng, n, 30011000, 3)
    on = np.flatnonzero(is_active == 1)
    # Planted: active contacts without e-mail, and pairs of active contacts (different companies) sharing one.
    k_missing = _n(n, 1 / 80, 3)
    missing = _spread(rng, on, comp, k_missing)
    email[missing] = None
    inactive_missing = np.flatnonzero(is_active == 0)[:3]  # clean distractors: inactive contacts may lack e-mail
    email[inactive_missing] = None
    k_dup = _n(n, 1 / 150, 2)
    pool = np.setdiff1d(on, missing)
    pair = _spread(rng, pool, comp, 2 * k_dup)
    a, b = pair[:k_dup], pair[k_dup:2 * k_dup]
    email[b] = email[a]
    s.plant("contact_missing_email", "Contacts", ids[missing])
    s.plant("contact_duplicate_email", "Contacts", np.concatenate([ids[a], ids[b]]))
    create = _uniform_days(rng, np.maximum(s.aux["co_create"][comp], HISTORY_START - 1500), EXPORT_DATE - 10, n)
    primary = np.zeros(n, bool)
    _, first_of_company = np.unique(comp, return_index=True)
    primary[first_of_company] = True
    s.tables["Contacts"] = _frame({
        "id": ids, "companyID": s.aux["co_ids"][comp], "firstName": first, "lastName": last, "emailAddress": email,
        "title": CONTACT_TITLES[rng.integers(0, len(CONTACT_TITLES), n)],
        "phone": _cat("(0", rng.integers(2, 9, n).astype(str), ") ", rng.integers(8000, 9999, n).astype(str), " ",
                      rng.integers(1000, 9999, n).astype(str)),
        "mobilePhone": _opt_text(_cat("04", rng.integers(10, 99, n).astype(str), " ",
                                      rng.integers(100, 999, n).astype(str), " ",
                                      rng.integers(100, 999, n).astype(str)), rng.random(n) < 0.3),
        "isActive": is_active, "primaryContact": primary,
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedDate": _at(_uniform_days(rng, create, EXPORT_DATE, n), rng.integers(0, 86400, n)),
    })
    s.aux.update(ct_ids=ids, ct_comp=comp, ct_email=email, ct_name=_cat(first, " ", last),
                 ct_groups=_groups(comp, len(s.aux["co_ids"])))
    prim = np.full(len(s.aux["co_ids"]), -1)
    prim[comp[primary]] = np.flatnonzero(primary)
    s.aux["co_primary_contact"] = prim


def _services(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "services")
    n = z["services"]
    n_retired = min(len(LEGACY_SERVICES), _n(n, 1 / 20, 3))
    n_in_use_inactive = _n(n, 1 / 30, 2)
    n_base = n - n_retired
    tier, base = np.divmod(np.arange(n_base), len(SERVICES))
    names = _cat(np.array([x[0] for x in SERVICES], dtype=object)[base], SERVICE_TIERS[tier % len(SERVICE_TIERS)])
    factor = np.array([1.0, 0.8, 1.3, 1.6, 0.9])[tier % len(SERVICE_TIERS)]
    price = np.array([x[1] for x in SERVICES], float)[base] * factor
    cost = np.array([x[2] for x in SERVICES], float)[base] * factor
    code = np.array([BC[x[3]] for x in SERVICES])[base]
    period = np.array([x[4] for x in SERVICES])[base]
    leg = LEGACY_SERVICES[:n_retired]
    names = np.concatenate([names, np.array([x[0] for x in leg], dtype=object)])
    price = np.concatenate([price, [x[1] for x in leg]])
    cost = np.concatenate([cost, [x[2] for x in leg]])
    code = np.concatenate([code, np.full(n_retired, BC["Managed Services"])])
    period = np.concatenate([period, np.full(n_retired, 2)])
    category = np.concatenate([np.zeros(n_base, int), np.full(n_retired, 2)])  # 0 in use, 1 inactive in use, 2 retired
    category[rng.choice(n_base, n_in_use_inactive, replace=False)] = 1
    active = category == 0
    active[np.flatnonzero(category == 2)[::2]] = True  # half the retired ones are still active in the catalogue
    order = rng.permutation(n)  # catalogue ids do not reveal the category
    names, price, cost, code, period, category, active = (a[order] for a in
                                                         (names, price, cost, code, period, category, active))
    ids = _ids(rng, n, 29683300, 2)
    create = _uniform_days(rng, np.datetime64("2015-06-01"), EXPORT_DATE - 400, n)
    vendors = np.flatnonzero(s.aux["co_type"] == 7)
    vendor = np.where(rng.random(n) < 0.3, s.aux["co_ids"][vendors[rng.integers(0, len(vendors), n)]], -1)
    s.tables["Services"] = _frame({
        "id": ids, "name": names, "description": _cat(names, " (per unit, per period)"), "invoiceDescription": names,
        "periodType": period, "unitPrice": _money(price), "unitCost": _money(cost),
        "markupRate": _money((price - cost) / np.maximum(cost, 0.01) * 100),
        "billingCodeID": s.aux["bc_ids"][code], "vendorCompanyID": _opt_int(vendor),
        "serviceLevelAgreementID": np.full(n, 1, np.int64), "isActive": active,
        "createDate": _at(create, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedDate": _at(_uniform_days(rng, create, EXPORT_DATE - 30, n), rng.integers(8 * 3600, 17 * 3600, n)),
    })
    s.aux.update(sv_ids=ids, sv_cat=category, sv_active=active, sv_price=price, sv_cost=cost, sv_names=names)
    s.plant("service_inactive_in_use", "Services", ids[category == 1])
    s.plant("service_retired", "Services", ids[category == 2])


def _bundles(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "bundles")
    n = z["bundles"]
    names = _cat(BUNDLES[np.arange(n) % len(BUNDLES)],
                 np.where(np.arange(n) < len(BUNDLES), "", _cat(" ", (np.arange(n) // len(BUNDLES) + 1).astype(str))))
    usable = np.flatnonzero(s.aux["sv_cat"] == 0)
    k = rng.integers(2, 6, n)
    rows, pick = _topk(rng, k, np.ones(len(usable)))
    member = usable[pick]
    # Planted: bundles holding one inactive service (a retired or replaced one).
    inactive = np.flatnonzero(~s.aux["sv_active"])
    k_bad = _n(n, 1 / 4, 2)
    bad = rng.choice(n, k_bad, replace=False)
    rows = np.concatenate([rows, bad])
    member = np.concatenate([member, inactive[rng.integers(0, len(inactive), k_bad)]])
    order = np.lexsort((member, rows))
    rows, member = rows[order], member[order]
    ids = _ids(rng, n, 29683900, 2)
    price = np.bincount(rows, weights=s.aux["sv_price"][member], minlength=n) * 0.9
    cost = np.bincount(rows, weights=s.aux["sv_cost"][member], minlength=n)
    s.tables["ServiceBundles"] = _frame({
        "id": ids, "name": names, "description": _cat(names, " - bundled managed services"),
        "invoiceDescription": names, "periodType": np.full(n, 2, np.int64), "unitPrice": _money(price),
        "unitCost": _money(cost), "unitDiscount": _money(price / 9), "percentageDiscount": np.full(n, 10.0),
        "billingCodeID": np.full(n, s.aux["bc_ids"][BC["Managed Services"]]),
        "isActive": np.ones(n, bool),
        "createDate": _at(_uniform_days(rng, np.datetime64("2017-01-01"), EXPORT_DATE - 365, n),
                          rng.integers(8 * 3600, 17 * 3600, n)),
    })
    s.tables["ServiceBundleServices"] = _frame({
        "id": _ids(rng, len(rows), 29684400, 2), "serviceBundleID": ids[rows], "serviceID": s.aux["sv_ids"][member]})
    s.aux.update(sb_ids=ids, sb_price=price)
    s.plant("service_bundle_inactive_member", "ServiceBundles", ids[bad])


def _products(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "products")
    n = z["products"]
    n_hw = n - len(BILLING_PRODUCTS)
    gen, base = np.divmod(np.arange(n_hw), len(HARDWARE))
    hw = HARDWARE
    names = _cat(np.array([h[0] for h in hw], dtype=object)[base],
                 np.where(gen == 0, "", _cat(" (Rev ", (gen + 1).astype(str), ")")))
    names = np.concatenate([names, np.array([b[0] for b in BILLING_PRODUCTS], dtype=object)])
    btype = np.concatenate([np.ones(n_hw, int), [b[1] for b in BILLING_PRODUCTS]])
    newer = 1 + 0.05 * gen  # later revisions cost a little more
    price = np.concatenate([np.array([h[2] for h in hw], float)[base] * newer, [b[2] for b in BILLING_PRODUCTS]])
    cost = np.concatenate([np.array([h[3] for h in hw], float)[base] * newer, [b[3] for b in BILLING_PRODUCTS]])
    manufacturer = np.concatenate([np.array([h[1] for h in hw], dtype=object)[base],
                                   np.full(len(BILLING_PRODUCTS), None, dtype=object)])
    ci_type = np.concatenate([np.array([h[4] for h in hw])[base], np.zeros(len(BILLING_PRODUCTS), int)])
    ids = _ids(rng, n, 29684000, 2)
    vendors = s.aux["co_ids"][np.flatnonzero(s.aux["co_type"] == 7)]
    hardware = btype == 1
    s.tables["Products"] = _frame({
        "id": ids, "name": names, "sku": _cat("SKU-", (100000 + np.arange(n) * 7).astype(str)),
        "description": names, "billingType": btype,
        "productCategory": np.where(hardware, ci_type, 9).astype(np.int64),
        "periodType": _opt_int(np.full(n, 2), hardware),
        "unitPrice": _money(price), "unitCost": _money(cost), "msrp": _money(price * 1.1),
        "manufacturerName": manufacturer, "manufacturerProductName": _opt_text(names, ~hardware),
        "isActive": rng.random(n) > 0.05 * hardware, "isSerialized": hardware,
        "productBillingCodeID": np.full(n, s.aux["bc_ids"][BC["Hardware"]]),
        "chargeBillingCodeID": np.where(hardware, s.aux["bc_ids"][BC["Hardware"]],
                                        s.aux["bc_ids"][BC["Managed Services"]]),
        "defaultVendorID": _opt_int(np.where(hardware, vendors[rng.integers(0, len(vendors), n)], -1)),
    })
    s.aux.update(pr_ids=ids, pr_hw=np.flatnonzero(hardware), pr_bill=np.flatnonzero(~hardware), pr_price=price,
                 pr_cost=cost, pr_type=btype, pr_ci_type=ci_type, pr_names=names)


# ---------------------------------------------------------------- contracts
def _contracts(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contracts")
    n = z["contracts"]
    weight = s.aux["co_weight"]
    eligible = np.flatnonzero(weight > 0)
    first = rng.permutation(eligible)[:n]
    extra = rng.choice(eligible, n - len(first), p=weight[eligible] / weight[eligible].sum())
    comp = rng.permutation(np.concatenate([first, extra]))
    ctype = _exact(rng, [7, 1, 4, 3, 6, 8], [0.45, 0.28, 0.08, 0.07, 0.05, 0.07], n)
    active = _exact(rng, [True, False], [0.76, 0.24], n)
    # Fixed Price split: projects with milestones, or the device-billing setup (no milestones, billing rules).
    fixed = np.flatnonzero(ctype == 3)
    device_setup = np.zeros(n, bool)
    device_setup[fixed[: max(1, len(fixed) // 4)]] = True
    device_setup[fixed[np.flatnonzero(active[fixed])[:1]]] = True  # at least one active one

    # Planted exclusion chains inside one customer each: A -> B -> C (length 2) and D <-> E (circular).
    excl = np.full(n, -1)
    free = np.ones(n, bool)
    chain_long, chain_circular = [], []
    cands = np.flatnonzero(active & ~device_setup)
    for length, bucket in ((3, chain_long), (2, chain_circular)):
        for _ in range(max(1, n // (2000 if length == 3 else 4000))):
            avail = cands[free[cands]]
            rows = avail[rng.choice(len(avail), length, replace=False)]
            free[rows] = False
            comp[rows] = comp[rows[0]]
            ctype[rows] = [7, 7, 1][:length] if length == 3 else [7, 4]
            excl[rows[:-1]] = rows[1:]
            if length == 2:
                excl[rows[-1]] = rows[0]
            bucket.append(rows)
    chained = ~free
    # Planted: dormant active contracts (no activity), active contracts past their end date.
    dormant = np.zeros(n, bool)
    pool = np.flatnonzero(active & free & np.isin(ctype, [1, 4, 6, 8]))
    dormant[_spread(rng, pool, comp, _n(n, 1 / 40, 3))] = True
    expired = np.zeros(n, bool)
    pool = np.flatnonzero(active & free & ~dormant & ~device_setup)
    expired[_spread(rng, pool, comp, _n(n, 1 / 50, 3))] = True

    # Dates: active contracts roll forward in whole terms so the current term covers the export date.
    term = rng.choice([12, 24, 36], n, p=[0.5, 0.3, 0.2])
    project = (ctype == 3) & ~device_setup
    term = np.where(project, rng.integers(3, 10, n), term)
    start = np.where(active, _month(_uniform_days(rng, HISTORY_START, EXPORT_DATE - 120, n)),
                     _month(_uniform_days(rng, HISTORY_START, EXPORT_DATE - 420, n)))
    start = np.where(project & active, _month(_uniform_days(rng, EXPORT_DATE - 540, EXPORT_DATE - 90, n)), start)
    elapsed = (EXPORT_DATE.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(int) + 1
    rolled = _add_months(start, -(-elapsed // term) * term) - 1
    end = np.where(active, rolled, np.minimum(_add_months(start, term) - 1, EXPORT_DATE - 30))
    end = np.where(project & active, np.maximum(_add_months(start, term) - 1, EXPORT_DATE + 45), end)
    evergreen = active & ~project & (rng.random(n) < np.select([ctype == 1, ctype == 7], [0.4, 0.1], 0.15))
    end = np.where(evergreen, OPEN_ENDED, end)
    end = np.where(expired, EXPORT_DATE - _days(rng.integers(15, 151, n)), end)
    start = np.minimum(start, _month(end - 60))

    # Planted: setup fees, mostly on active contracts.
    setup = np.zeros(n)
    fee_rows = _spread(rng, np.flatnonzero(active), comp, _n(n, 0.06, 4))
    fee_rows = np.concatenate([fee_rows, rng.choice(np.flatnonzero(~active), _n(n, 0.02, 1), replace=False)])
    setup[fee_rows] = rng.choice([250, 500, 750, 1000, 1500, 2500, 4950], len(fee_rows))

    # Ordinary length-1 exclusion links: recurring contracts roll excluded labour to the customer's T&M contract.
    tm = pd.DataFrame({"comp": comp, "row": np.arange(n)})[(ctype == 1) & active & free]
    first_tm = tm.drop_duplicates("comp").set_index("comp")["row"]
    target = pd.Series(comp).map(first_tm).fillna(-1).astype(int).to_numpy()
    link = (ctype == 7) & active & free & (target >= 0) & (rng.random(n) < 0.3)
    excl = np.where(link, target, excl)

    # Ids follow start dates, as Autotask assigns them on creation.
    order = np.lexsort((rng.random(n), start))
    inv = np.empty(n, int)
    inv[order] = np.arange(n)
    ids = np.empty(n, np.int64)
    ids[order] = _ids(rng, n, 29690000, 3)
    excl_id = np.where(excl >= 0, ids[np.maximum(excl, 0)], -1)
    names = s.aux["co_names"][comp]
    kind = np.select([ctype == 7, ctype == 1, ctype == 4, ctype == 3, ctype == 6],
                     ["Managed Services Agreement", "Time & Materials", "Prepaid Block Hours", "Project",
                      "Support Retainer"], "Per Ticket Support")
    project_name = np.array(["Office Relocation", "Server Migration", "Microsoft 365 Migration", "Network Refresh",
                             "Firewall Upgrade", "Device Rollout"], dtype=object)[rng.integers(0, 6, n)]
    cname = _cat(names, " - ", np.where(project, project_name, kind).astype(object), " ",
                 start.astype("datetime64[Y]").astype(str))
    cname = np.where(device_setup, _cat(names, " - Managed Devices (per device) ",
                                        start.astype("datetime64[Y]").astype(str)), cname)
    est_rev = np.select([ctype == 7, ctype == 3, ctype == 4], [rng.uniform(6000, 90000, n),
                        rng.uniform(4000, 60000, n), rng.uniform(2000, 15000, n)], 0.0)
    category = np.select([ctype == 7, ctype == 1, ctype == 3, np.isin(ctype, [4, 6, 8])], [16, 17, 18, 19], 20)
    contact = s.aux["co_primary_contact"][comp]
    s.tables["Contracts"] = _frame({
        "id": ids, "contractName": cname, "contractNumber": _cat("AT-", start.astype("datetime64[Y]").astype(str), "-",
                                                                 (1000 + inv).astype(str)),
        "companyID": s.aux["co_ids"][comp], "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][contact], -1)),
        "contractType": ctype, "contractCategory": category, "status": active.astype(np.int64),
        "contractPeriodType": _opt_int(np.where(rng.random(n) < 0.85, 2, 5), (ctype != 7) & ~device_setup),
        "billingPreference": rng.choice([1, 2, 3], n, p=[0.5, 0.4, 0.1]), "startDate": start, "endDate": end,
        "setupFee": _money(setup), "setupFeeBillingCodeID": _opt_int(np.full(n, s.aux["bc_ids"][BC["Setup Fees"]]),
                                                                     setup == 0),
        "overageBillingRate": _money(np.where(ctype == 4, rng.choice([140.0, 150.0, 165.0], n), np.nan)),
        "estimatedCost": _money(est_rev * 0.55), "estimatedHours": np.round(est_rev / 150, 0),
        "estimatedRevenue": _money(est_rev), "exclusionContractID": _opt_int(excl_id),
        "contractExclusionSetID": _opt_int(np.full(n, -1)), "isDefaultContract": (ctype == 1) & (rng.random(n) < 0.5),
        "isCompliant": np.ones(n, bool), "serviceLevelAgreementID": rng.choice([1, 2, 3, 4], n, p=[0.5, 0.2, 0.1, 0.2]),
        "purchaseOrderNumber": _opt_text(_cat("PO", rng.integers(10000, 99999, n).astype(str)), rng.random(n) < 0.7),
        "timeReportingRequiresStartAndStopTimes": np.zeros(n, np.int64),
    })
    # Autotask's Contract has no modification time; the draw stays so every later value of a seed is unchanged.
    _at(_uniform_days(rng, np.minimum(start, EXPORT_DATE), EXPORT_DATE), rng.integers(0, 86400, n))
    s.aux.update(k_ids=ids, k_comp=comp, k_type=ctype, k_active=active, k_start=start, k_end=end, k_dormant=dormant,
                 k_expired=expired, k_device=device_setup, k_chained=chained, k_excl=excl)
    s.plant("contract_type_mapping", "Contracts", ids[active & (ctype == 8)])
    s.plant("contract_setup_fee", "Contracts", ids[setup > 0])
    s.plant("contract_expired_active", "Contracts", ids[expired])
    s.plant("contract_no_activity", "Contracts", ids[dormant])
    s.plant("contract_exclusion_chain", "Contracts", ids[excl >= 0])
    s.planted["contract_exclusion_chain"]["long"] = sorted(int(ids[r[0]]) for r in chain_long)  # chain heads
    s.planted["contract_exclusion_chain"]["circular"] = sorted(int(x) for r in chain_circular for x in ids[r])
    per_company = np.bincount(comp[active], minlength=len(s.aux["co_ids"]))
    s.plant("contract_multiple_active", "Companies", s.aux["co_ids"][per_company > 1])


def _exclusions(s: Sample) -> None:
    """Exclusion sets and contract-level excluded roles / work types."""
    rng = _rng(s.seed, "exclusions")
    role_ids, bc_ids = s.aux["role_ids"], s.aux["bc_ids"]
    R = {r[0]: i for i, r in enumerate(ROLES)}
    sets = [("Standard MSA exclusions", True, ["Project Engineer", "vCIO / Consultant"], ["Travel", "Training"]),
            ("Projects and after hours excluded", True, ["Project Engineer", "After Hours Support"], []),
            ("Travel and training excluded", True, [], ["Travel", "Training", "Emergency Callout"]),
            ("Legacy 2018 exclusions", False, ["Legacy Desktop Support"], ["Legacy Break/Fix"])]
    set_ids = _ids(rng, len(sets), 29684700, 2)
    s.tables["ContractExclusionSets"] = _frame({
        "id": set_ids, "name": np.array([x[0] for x in sets], dtype=object),
        "description": np.array(["Labour not covered by the agreement: " + ", ".join(x[2] + x[3]) for x in sets],
                                dtype=object),
        "isActive": np.array([x[1] for x in sets])})
    sr = [(set_ids[i], role_ids[R[r]]) for i, x in enumerate(sets) for r in x[2]]
    sw = [(set_ids[i], bc_ids[BC[w]]) for i, x in enumerate(sets) for w in x[3]]
    s.tables["ContractExclusionSetExcludedRoles"] = _frame({
        "id": _ids(rng, len(sr), 29684720, 2), "contractExclusionSetID": np.array([a for a, _ in sr]),
        "excludedRoleID": np.array([b for _, b in sr])})
    s.tables["ContractExclusionSetExcludedWorkTypes"] = _frame({
        "id": _ids(rng, len(sw), 29684740, 2), "contractExclusionSetID": np.array([a for a, _ in sw]),
        "excludedWorkTypeID": np.array([b for _, b in sw])})

    k = s.tables["Contracts"]
    n = len(k)
    comp, ctype, active, chained = s.aux["k_comp"], s.aux["k_type"], s.aux["k_active"], s.aux["k_chained"]
    recurring = np.flatnonzero(active & (ctype == 7) & ~chained)
    # Each contract gets at most one kind of exclusion so the rules' classes stay clean.
    taken = np.zeros(n, bool)
    set_of = np.full(n, -1)

    def take(pool, count):
        rows = _spread(rng, pool[~taken[pool]], comp, count)
        taken[rows] = True
        return rows

    for i, frac, minimum in ((0, 0.06, 2), (1, 0.03, 1), (2, 0.05, 2)):
        set_of[take(recurring, _n(len(recurring), frac, minimum))] = i
    old = np.flatnonzero(~active & (ctype == 7))
    set_of[old[: max(1, len(old) // 20)]] = 3
    direct_roles = take(recurring, _n(len(recurring), 0.04, 2))
    direct_wt = take(recurring, _n(len(recurring), 0.04, 2))
    k["contractExclusionSetID"] = _opt_int(np.where(set_of >= 0, set_ids[np.maximum(set_of, 0)], -1))
    nr = rng.integers(1, 3, len(direct_roles))
    owner, pos = _expand(nr)
    role_pick = np.array([R["Project Engineer"], R["vCIO / Consultant"]])[pos]
    s.tables["ContractExclusionRoles"] = _frame({
        "id": _ids(rng, len(owner), 29684800, 2), "contractID": s.aux["k_ids"][direct_roles[owner]],
        "roleID": role_ids[role_pick]})
    nw = rng.integers(1, 3, len(direct_wt))
    owner, pos = _expand(nw)
    wt_pick = np.array([BC["Travel"], BC["After Hours Support"]])[pos]
    s.tables["ContractExclusionBillingCodes"] = _frame({
        "id": _ids(rng, len(owner), 29684900, 2), "contractID": s.aux["k_ids"][direct_wt[owner]],
        "billingCodeID": bc_ids[wt_pick]})
    ids = s.aux["k_ids"]
    s.plant("contract_role_exclusions", "Contracts",
            np.concatenate([ids[np.isin(set_of, [0, 1]) & active], ids[direct_roles]]))
    s.plant("contract_worktype_exclusions", "Contracts", np.concatenate([ids[set_of == 2], ids[direct_wt]]))


def _contract_services(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "contract_services")
    ctype, active, end = s.aux["k_type"], s.aux["k_active"], s.aux["k_end"]
    cat = s.aux["sv_cat"]
    usable = np.flatnonzero(cat == 0)
    recurring = np.flatnonzero(ctype == 7)
    k = 1 + rng.poisson(z["services_per_contract"] - 1, len(recurring))
    popularity = rng.lognormal(0, 1.0, len(usable))
    rows, pick = _topk(rng, k, popularity)
    contract, service = recurring[rows], usable[pick]
    live = np.flatnonzero(active & (ctype == 7) & ~s.aux["k_expired"])
    # Planted: inactive services still on active contracts (one to three contracts each, different customers).
    add_c, add_s = [], []
    for sv in np.flatnonzero(cat == 1):
        c = _spread(rng, live, s.aux["k_comp"], int(rng.integers(1, 4)))
        add_c.append(c)
        add_s.append(np.full(len(c), sv))
    # Retired services: only on contracts that ended 200+ days ago (some on none at all).
    old = np.flatnonzero(~active & (ctype == 7) & (end < EXPORT_DATE - 200))
    retired = np.flatnonzero(cat == 2)
    if len(old):
        use = retired[: (len(retired) + 1) // 2 + 1]
        c = old[rng.integers(0, len(old), len(use) * 2)]
        add_c.append(c)
        add_s.append(np.repeat(use, 2))
    # Every in-use service sits on at least one live contract (so "retired" means only the planted ones).
    on_live = np.zeros(len(cat), bool)
    on_live[service[np.isin(contract, live)]] = True
    missing = np.flatnonzero((cat == 0) & ~on_live)
    add_c.append(live[rng.integers(0, len(live), len(missing))])
    add_s.append(missing)
    contract = np.concatenate([contract] + add_c)
    service = np.concatenate([service] + add_s)
    pairs = pd.DataFrame({"c": contract, "s": service}).drop_duplicates()
    start = s.aux["k_start"][pairs["c"].to_numpy()]
    order = np.lexsort((pairs["s"].to_numpy(), pairs["c"].to_numpy(), start))
    contract, service = pairs["c"].to_numpy()[order], pairs["s"].to_numpy()[order]
    n = len(contract)
    price = _money(s.aux["sv_price"][service] * rng.choice([1.0, 1.0, 0.95, 0.9, 1.1], n))
    ids = _ids(rng, n, 31000000, 3)
    names = s.aux["sv_names"][service]
    s.tables["ContractServices"] = _frame({
        "id": ids, "contractID": s.aux["k_ids"][contract], "serviceID": s.aux["sv_ids"][service],
        "unitPrice": price, "unitCost": _money(s.aux["sv_cost"][service]), "invoiceDescription": names,
        "internalDescription": _opt_text(_cat(names, " - quoted ", s.aux["k_start"][contract].astype(str)),
                                         rng.random(n) < 0.6),
    })
    s.aux.update(cs_ids=ids, cs_contract=contract, cs_service=service, cs_price=price)


def _service_units(s: Sample) -> None:
    """One row per contract service per month, for the last `unit_months` months the contract ran."""
    z, rng = s.aux["z"], _rng(s.seed, "service_units")
    c, sv = s.aux["cs_contract"], s.aux["cs_service"]
    window = _add_months(_month(np.array([EXPORT_DATE])), -(z["unit_months"] - 1))[0]
    lo = np.maximum(_month(s.aux["k_start"][c]), window)
    hi = _month(np.minimum(s.aux["k_end"][c], EXPORT_DATE))
    months = np.maximum((hi.astype("datetime64[M]") - lo.astype("datetime64[M]")).astype(int) + 1, 0)
    owner, pos = _expand(months)
    period = _add_months(lo[owner], pos)
    pend = np.minimum(_add_months(period, 1) - 1, s.aux["k_end"][c][owner])
    base = np.maximum(1, np.round(rng.lognormal(2.0, 0.9, len(c)))).astype(int)
    step = np.where(rng.random(len(owner)) < 0.07, rng.integers(-3, 4, len(owner)), 0)
    step[pos == 0] = 0
    walk = np.cumsum(step)
    group_start = np.repeat(np.cumsum(months) - months, months)
    walk = walk - walk[group_start]  # running change within each contract service (first step is 0)
    units = np.maximum(1, base[owner] + walk)
    order = np.lexsort((owner, period))
    owner, period, pend, units = owner[order], period[order], pend[order], units[order]
    n = len(owner)
    s.tables["ContractServiceUnits"] = _frame({
        "id": _ids(rng, n, 40000000, 2), "contractID": s.aux["k_ids"][c[owner]],
        "contractServiceID": s.aux["cs_ids"][owner], "serviceID": s.aux["sv_ids"][sv[owner]],
        "startDate": period, "endDate": pend, "units": units.astype(float),
        "price": _money(units * s.aux["cs_price"][owner]), "cost": _money(units * s.aux["sv_cost"][sv[owner]]),
        "approveAndPostDate": _at(period + 2, np.full(n, 6 * 3600)),
    })
    s.aux.update(csu_owner=owner, csu_period=period, csu_units=units)
    # Contract-level bundles on about a fifth of recurring contracts.
    rec = np.flatnonzero(s.aux["k_type"] == 7)
    pick = rec[rng.random(len(rec)) < 0.2]
    b = rng.integers(0, len(s.aux["sb_ids"]), len(pick))
    price = s.aux["sb_price"][b]
    s.tables["ContractServiceBundles"] = _frame({
        "id": _ids(rng, len(pick), 31900000, 2), "contractID": s.aux["k_ids"][pick],
        "serviceBundleID": s.aux["sb_ids"][b], "unitPrice": _money(price),
        "adjustedPrice": _money(price * rng.choice([1.0, 0.95, 0.9], len(pick))),
        "invoiceDescription": s.tables["ServiceBundles"]["name"].to_numpy(dtype=object)[b],
    })


def _prepaid(s: Sample) -> None:
    """Blocks (Block Hours), retainers (Retainer) and ticket purchases (Per Ticket), newest purchase covering today
    on active contracts; about 70% of current purchases still hold a balance."""
    rng = _rng(s.seed, "prepaid")
    ids, ctype, active, start, end = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_start", "k_end"))
    open_balance = []
    families = ((4, "ContractBlocks", 6, 32000000), (6, "ContractRetainers", 3, 32500000),
                (8, "ContractTicketPurchases", 6, 32800000))  # contract type, entity, months per purchase, id base
    for typ, entity, period, id_base in families:
        rows = np.flatnonzero(ctype == typ)
        last_end = np.minimum(end[rows], EXPORT_DATE)
        anchor = np.maximum(_add_months(last_end, -rng.integers(0, period, len(rows))), _month(start[rows]))
        count = 1 + np.minimum(rng.poisson(1.2, len(rows)), 3)
        owner, pos = _expand(count)
        pstart = _add_months(anchor[owner], -pos * period)
        keep = (pstart >= _month(start[rows][owner])) | (pos == 0)
        owner, pstart = owner[keep], pstart[keep]
        pend = _add_months(pstart, period) - 1
        contract = rows[owner]
        current = (pend >= EXPORT_DATE) & active[contract]
        used = np.where(current, np.where(rng.random(len(owner)) < 0.7, rng.uniform(0.1, 0.9, len(owner)), 1.0),
                        rng.uniform(0.7, 1.0, len(owner)))
        with_balance = current & (used < 1.0)
        open_balance.append(ids[contract[with_balance]])
        order = np.lexsort((contract, pstart))
        contract, pstart, pend, used, current = (a[order] for a in (contract, pstart, pend, used, current))
        n = len(contract)
        paid = np.where(current, rng.random(n) < 0.85, True)
        common = {"id": _ids(rng, n, id_base, 2),
                  "contractID": ids[contract], "datePurchased": pstart, "startDate": pstart, "endDate": pend}
        if typ == 4:
            hours = rng.choice([10.0, 20.0, 25.0, 40.0, 50.0, 100.0], n)
            s.tables[entity] = _frame({**common, "hours": hours, "hourlyRate": _money(rng.choice([120, 135, 150], n)),
                                       "hoursApproved": np.round(hours * used * 4) / 4, "isPaid": paid,
                                       "invoiceNumber": _opt_text(_cat("INV-B", rng.integers(10000, 99999, n)
                                                                       .astype(str)), ~paid),
                                       "paymentType": rng.choice([1, 2, 3], n), "status": current.astype(np.int64)})
        elif typ == 6:
            amount = rng.choice([2500.0, 5000.0, 7500.0, 10000.0, 20000.0], n)
            s.tables[entity] = _frame({**common, "amount": _money(amount), "amountApproved": _money(amount * used),
                                       "isPaid": paid, "paymentID": _opt_int(rng.integers(1, 4, n), ~paid),
                                       "status": current.astype(np.int64)})
        else:
            bought = rng.choice([10, 20, 25, 50], n)
            s.tables[entity] = _frame({**common, "ticketsPurchased": bought.astype(float),
                                       "ticketsUsed": np.floor(bought * used),
                                       "perTicketRate": _money(rng.choice([75, 95, 120, 150], n)),
                                       "isPaid": paid, "status": current.astype(np.int64)})
    s.plant("contract_open_prepaid_balance", "Contracts", np.unique(np.concatenate(open_balance)))


def _contract_extras(s: Sample) -> None:
    """Block-hour factors, role rate overrides and Fixed Price milestones."""
    rng = _rng(s.seed, "contract_extras")
    ids, ctype, active, comp = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_comp"))
    R = {r[0]: i for i, r in enumerate(ROLES)}
    role_ids = s.aux["role_ids"]
    # Block-hour multipliers per role on about 40% of Block Hours contracts (mostly active ones).
    blocks = np.flatnonzero(ctype == 4)
    chosen = np.concatenate([_spread(rng, blocks[active[blocks]], comp, _n(int(active[blocks].sum()), 0.4, 2)),
                             _spread(rng, blocks[~active[blocks]], comp, 1)])
    k = rng.integers(1, 4, len(chosen))
    rows, pick = _topk(rng, k, np.ones(4))
    factor_roles = np.array([R["After Hours Support"], R["Senior Engineer"], R["Project Engineer"],
                             R["Network Engineer"]])
    s.tables["ContractBlockHourFactors"] = _frame({
        "id": _ids(rng, len(rows), 33000000, 2), "contractID": ids[chosen[rows]],
        "roleID": role_ids[factor_roles[pick]], "blockHourMultiplier": rng.choice([1.25, 1.5, 2.0], len(rows))})
    s.plant("contract_block_hour_factors", "Contracts", ids[chosen[active[chosen]]])
    # Role rate overrides on about 12% of active non-recurring contracts, plus a few recurring ones.
    pool = np.flatnonzero(active & np.isin(ctype, [1, 4, 6, 8]))
    chosen = np.concatenate([_spread(rng, pool, comp, _n(len(pool), 0.12, 3)),
                             _spread(rng, np.flatnonzero(active & (ctype == 7)), comp, 1)])
    k = rng.integers(1, 4, len(chosen))
    rows, pick = _topk(rng, k, np.ones(len(TECH_ROLES)))
    role = TECH_ROLES[pick]
    rate = _money(s.aux["role_rate"][role] * rng.choice([0.8, 0.85, 0.9, 0.95], len(rows)))
    s.tables["ContractRates"] = _frame({
        "id": _ids(rng, len(rows), 33500000, 2), "contractID": ids[chosen[rows]], "roleID": role_ids[role],
        "contractHourlyRate": rate, "internalCurrencyContractHourlyRate": rate})
    s.plant("contract_rate_overrides", "Contracts", ids[chosen])
    s.aux.update(rate_contract=chosen[rows], rate_role=role, rate_value=rate)
    # Milestones on Fixed Price projects (the device-billing Fixed Price contracts have none).
    proj = np.flatnonzero((ctype == 3) & ~s.aux["k_device"])
    m = rng.integers(2, 6, len(proj))
    owner, pos = _expand(m)
    c = proj[owner]
    start, end = s.aux["k_start"][c], np.minimum(s.aux["k_end"][c], EXPORT_DATE + 365)
    span = (end - start).astype(int)
    due = start + _days(span * (pos + 1) / (m[owner] + 1))
    est = s.tables["Contracts"]["estimatedRevenue"].to_numpy()[c]
    titles = np.array(["Deposit", "Design signed off", "Hardware delivered", "Go-live", "Project close-out"],
                      dtype=object)
    s.tables["ContractMilestones"] = _frame({
        "id": _ids(rng, len(c), 34000000, 2), "contractID": ids[c], "title": titles[np.minimum(pos, 4)],
        "description": _cat("Milestone ", (pos + 1).astype(str), " of ", m[owner].astype(str)),
        "amount": _money(est / m[owner]), "dateDue": due,
        "billingCodeID": np.full(len(c), s.aux["bc_ids"][BC["Project Milestone"]]),
        "isInitialPayment": pos == 0, "status": np.where(due < EXPORT_DATE, 3, 1).astype(np.int64),
        "createDate": _at(start, np.full(len(c), 9 * 3600)), "creatorResourceID": np.full(len(c), s.aux["res_ids"][2]),
    })
    s.plant("contract_milestones", "Contracts", ids[proj[active[proj]]])


def _billing_rules(s: Sample) -> None:
    """Per-contact / per-device billing rules: all device-billing Fixed Price contracts and ~10% of recurring ones."""
    rng = _rng(s.seed, "billing_rules")
    ids, ctype, active, comp = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_comp"))
    rec = np.flatnonzero(active & (ctype == 7) & ~s.aux["k_expired"])
    chosen = np.concatenate([np.flatnonzero(s.aux["k_device"]), _spread(rng, rec, comp, _n(len(rec), 0.1, 2))])
    k = rng.integers(1, 3, len(chosen))
    rows, pick = _topk(rng, k, np.ones(len(s.aux["pr_bill"])))
    c, prod = chosen[rows], s.aux["pr_bill"][pick]
    n = len(c)
    minimum = np.where(rng.random(n) < 0.5, rng.choice([5.0, 10.0, 15.0, 20.0], n), np.nan)
    maximum = np.where(rng.random(n) < 0.3, np.nan_to_num(minimum) + rng.choice([20.0, 50.0, 100.0], n), np.nan)
    prorate = rng.random(n) < 0.4
    price, cost = s.aux["pr_price"][prod], s.aux["pr_cost"][prod]
    s.tables["ContractBillingRules"] = _frame({
        "id": _ids(rng, n, 35000000, 2), "contractID": ids[c], "productID": s.aux["pr_ids"][prod],
        "isActive": active[c], "startDate": s.aux["k_start"][c], "endDate": s.aux["k_end"][c],
        "determineUnits": np.ones(n, np.int64), "minimumUnits": minimum, "maximumUnits": maximum,
        "createChargesAsBillable": np.ones(n, bool), "includeItemsInChargeDescription": rng.random(n) < 0.5,
        "isDailyProrationEnabled": prorate, "dailyProratedPrice": _money(np.where(prorate, price / 30, np.nan)),
        "dailyProratedCost": _money(np.where(prorate, cost / 30, np.nan)),
        "executionMethod": rng.choice([1, 2, 3], n, p=[0.6, 0.3, 0.1]),
        "invoiceDescription": s.aux["pr_names"][prod],
    })
    s.aux.update(br_contract=c, br_product=prod, br_min=minimum, br_max=maximum)
    s.plant("contract_billing_rule_units", "Contracts", ids[c[active[c]]])


def _charges(s: Sample) -> None:
    """Monthly charges created by billing rules in the billing window, plus ad-hoc hardware charges."""
    z, rng = s.aux["z"], _rng(s.seed, "charges")
    ids, active = s.aux["k_ids"], s.aux["k_active"]
    first_month = _add_months(_month(np.array([EXPORT_DATE])), -(z["billing_months"] - 1))[0]
    c, prod = s.aux["br_contract"], s.aux["br_product"]
    owner, pos = _expand(np.full(len(c), z["billing_months"]))
    month = _add_months(np.full(len(owner), first_month), pos)
    keep = active[c[owner]] & (month >= _month(s.aux["k_start"][c[owner]])) & (month <= s.aux["k_end"][c[owner]])
    owner, month = owner[keep], month[keep]
    base = np.round(rng.lognormal(2.5, 0.7, len(c)))
    qty = base[owner] + rng.integers(-2, 3, len(owner))
    qty = np.clip(qty, np.nan_to_num(s.aux["br_min"][owner], nan=1.0), np.nan_to_num(s.aux["br_max"][owner], nan=1e9))
    rule_c, rule_p = c[owner], prod[owner]
    # Ad-hoc hardware on live, non-dormant contracts over the last two years.
    live = np.flatnonzero(active & ~s.aux["k_dormant"])
    m = _n(len(ids), 0.25, 5)
    adhoc_c = live[rng.integers(0, len(live), m)]
    adhoc_p = s.aux["pr_hw"][rng.integers(0, len(s.aux["pr_hw"]), m)]
    adhoc_d = _uniform_days(rng, np.maximum(s.aux["k_start"][adhoc_c], EXPORT_DATE - 730), EXPORT_DATE - 1)
    contract = np.concatenate([rule_c, adhoc_c])
    product = np.concatenate([rule_p, adhoc_p])
    date = np.concatenate([month, adhoc_d])
    quantity = np.concatenate([qty, rng.integers(1, 6, m).astype(float)])
    order = np.lexsort((contract, date))
    contract, product, date, quantity = contract[order], product[order], date[order], quantity[order]
    n = len(contract)
    price, cost = s.aux["pr_price"][product], s.aux["pr_cost"][product]
    hardware = s.aux["pr_type"][product] == 1
    s.tables["ContractCharges"] = _frame({
        "id": _ids(rng, n, 36000000, 2), "contractID": ids[contract], "name": s.aux["pr_names"][product],
        "description": np.where(hardware, "Hardware supplied", "Billing rule charge").astype(object),
        "datePurchased": date, "unitQuantity": quantity, "unitPrice": _money(price), "unitCost": _money(cost),
        "extendedCost": _money(quantity * cost), "billableAmount": _money(quantity * price),
        "billingCodeID": np.where(hardware, s.aux["bc_ids"][BC["Hardware"]], s.aux["bc_ids"][BC["Managed Services"]]),
        "productID": s.aux["pr_ids"][product], "chargeType": np.ones(n, np.int64), "status": np.full(n, 2, np.int64),
        "isBillableToCompany": np.ones(n, bool), "isBilled": np.ones(n, bool),
        "createDate": _at(date, np.full(n, 2 * 3600)),
    })
    s.aux.update(ch_contract=contract, ch_product=product, ch_date=date, ch_qty=quantity)


# ---------------------------------------------------------------- service desk
def _configuration_items(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "configuration_items")
    n = z["configuration_items"]
    w = s.aux["co_weight"]
    comp = rng.choice(len(w), n, p=w / w.sum())
    prod = s.aux["pr_hw"][rng.integers(0, len(s.aux["pr_hw"]), n)]
    ci_type = s.aux["pr_ci_type"][prod]
    active = rng.random(n) > 0.1
    install = _uniform_days(rng, HISTORY_START, EXPORT_DATE - 30, n)
    chars = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", dtype=np.uint8)
    serial = chars[rng.integers(0, len(chars), (n, 10))].copy().view("S10").ravel().astype(str).astype(object)
    missing = _spread(rng, np.flatnonzero(active), comp, _n(n, 1 / 50, 4))
    serial[missing] = None
    serial[np.flatnonzero(~active)[:3]] = None  # clean distractors: inactive devices may lack a serial
    ids = _ids(rng, n, 37000000, 2)
    s.plant("configuration_item_missing_serial", "ConfigurationItems", ids[missing])
    # Devices are covered by the customer's first live recurring contract, when there is one.
    live = (s.aux["k_type"] == 7) & s.aux["k_active"]
    cover = pd.Series(np.flatnonzero(live), index=s.aux["k_comp"][live])
    cover = cover[~cover.index.duplicated()]
    contract = pd.Series(comp).map(cover).fillna(-1).astype(int).to_numpy()
    contract = np.where(rng.random(n) < 0.8, contract, -1)
    contact = _member(rng, s.aux["ct_groups"], comp)
    contact = np.where(rng.random(n) < 0.4, contact, -1)
    prefix = np.array(["", "WS", "SRV", "NET", "PRN", "MOB"], dtype=object)[ci_type]
    abbr = pd.Series(_slug(s.aux["co_names"]), dtype="string").str.slice(0, 4).str.upper().to_numpy(dtype=object)
    seq = pd.Series(comp).groupby(comp).cumcount().to_numpy() + 1
    s.tables["ConfigurationItems"] = _frame({
        "id": ids, "companyID": s.aux["co_ids"][comp], "productID": s.aux["pr_ids"][prod],
        "configurationItemType": ci_type.astype(np.int64), "serialNumber": serial,
        "referenceTitle": _cat(abbr[comp], "-", prefix, "-",
                               pd.Series(seq.astype(str)).str.zfill(3).to_numpy(dtype=object)),
        "isActive": active, "installDate": install,
        "warrantyExpirationDate": _add_months(install, 36) + (install - _month(install)),
        "contractID": _opt_int(np.where(contract >= 0, s.aux["k_ids"][np.maximum(contract, 0)], -1)),
        "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][np.maximum(contact, 0)], -1)),
        "rmmDeviceID": _opt_int(rng.integers(100000, 999999, n), rng.random(n) < 0.25),
        "createDate": _at(install, rng.integers(8 * 3600, 17 * 3600, n)),
        "lastModifiedTime": _at(_uniform_days(rng, install, EXPORT_DATE), rng.integers(0, 86400, n)),
    })
    s.aux["ci_groups"] = _groups(comp, len(s.aux["co_ids"]))
    s.aux["ci_ids"] = ids


def _pick_technician(rng: np.random.Generator, s: Sample, days: np.ndarray, prefer=None) -> np.ndarray:
    """A technician employed on each day (the preferred one when employed then); rejection sampling, no row loop."""
    hire, leave, techs = s.aux["res_hire"], s.aux["res_leave"], s.aux["res_tech"]
    out = np.full(len(days), -1)
    if prefer is not None:
        p = np.maximum(prefer, 0)
        ok = (prefer >= 0) & (hire[p] <= days) & (days < leave[p])
        out[ok] = prefer[ok]
    todo = np.flatnonzero(out < 0)
    for _ in range(10):
        if not len(todo):
            break
        cand = techs[rng.integers(0, len(techs), len(todo))]
        good = (hire[cand] <= days[todo]) & (days[todo] < leave[cand])
        out[todo[good]] = cand[good]
        todo = todo[~good]
    out[todo] = s.aux["res_fallback"]
    return out


def _tickets(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "tickets")
    ids_k, ctype, active, start, end, dormant = (s.aux[k] for k in ("k_ids", "k_type", "k_active", "k_start",
                                                                        "k_end", "k_dormant"))
    # Every live non-recurring contract gets at least one ticket in the last 150 days (recurring ones bill units),
    # so "no activity" means only the planted dormant contracts.
    forced = np.flatnonzero(active & ~dormant & (ctype != 7))
    f_lo = np.maximum(start[forced], EXPORT_DATE - 150)
    f_day = _uniform_days(rng, f_lo, np.maximum(np.minimum(end[forced], EXPORT_DATE), f_lo))
    n_rand = z["tickets"] - len(forced)
    u = rng.random(n_rand)
    growth = (-1 + np.sqrt(1 + 8 * u)) / 2  # ticket volume grows linearly with the MSP
    span = (EXPORT_DATE - HISTORY_START).astype(int)
    r_day = HISTORY_START + _days(np.floor(growth * (span + 1)))
    w = s.aux["co_weight"]
    r_comp = rng.choice(len(w), n_rand, p=w / w.sum())
    # Random tickets bill to a contract of their customer in force that day (never to a dormant one recently).
    t = pd.DataFrame({"t": np.arange(n_rand), "comp": r_comp, "day": r_day})
    k = pd.DataFrame({"comp": s.aux["k_comp"], "k": np.arange(len(ids_k)), "ks": start, "ke": end, "dorm": dormant})
    m = t.merge(k, on="comp")
    ok = (m["ks"].to_numpy() <= m["day"].to_numpy()) & (m["day"].to_numpy() <= m["ke"].to_numpy())
    ok &= ~(m["dorm"].to_numpy() & (m["day"].to_numpy() > EXPORT_DATE - 210))
    m = m[ok]
    m = m.assign(r=rng.random(len(m))).sort_values(["t", "r"]).drop_duplicates("t")
    r_contract = np.full(n_rand, -1)
    r_contract[m["t"].to_numpy()] = m["k"].to_numpy()
    r_contract[rng.random(n_rand) < 0.08] = -1
    comp = np.concatenate([r_comp, s.aux["k_comp"][forced]])
    day = np.concatenate([r_day, f_day])
    contract = np.concatenate([r_contract, forced])
    is_forced = np.concatenate([np.zeros(n_rand, bool), np.ones(len(forced), bool)])
    created = _at(day, _work_seconds(rng, len(day)))
    order = np.lexsort((rng.random(len(day)), created))
    comp, day, contract, is_forced, created = (a[order] for a in (comp, day, contract, is_forced, created))
    n = len(comp)
    ids = _ids(rng, n, 100000, 2)
    # Open tickets: mostly the last two months, a tail of stale ones.
    recent = np.flatnonzero((day >= EXPORT_DATE - 60) & ~is_forced)
    older = np.flatnonzero((day < EXPORT_DATE - 60) & (day >= EXPORT_DATE - 400) & ~is_forced)
    n_open = min(z["open_tickets"], len(recent) + len(older))
    n_recent = min(len(recent), n_open - n_open // 8)
    opened = np.concatenate([rng.choice(recent, n_recent, replace=False),
                             rng.choice(older, n_open - n_recent, replace=False)])
    is_open = np.zeros(n, bool)
    is_open[opened] = True
    status = np.full(n, 5)
    status[opened] = rng.choice([1, 8, 7, 12, 13, 9, 10, 11], len(opened),
                                p=[0.25, 0.33, 0.15, 0.08, 0.06, 0.04, 0.04, 0.05])
    queue_codes = np.array(list(QUEUES))
    queue = queue_codes[rng.choice(len(queue_codes), n, p=[0.1, 0.15, 0.45, 0.12, 0.08, 0.05, 0.05])]
    queue = np.where(~is_open & (rng.random(n) < 0.03), -1, queue)
    resource = _pick_technician(rng, s, day)
    resource = np.where(is_open & (rng.random(n) < 0.25), -1, resource)
    # Open tickets are held by people still employed (only the planted ones break this).
    held_by_leaver = is_open & (resource >= 0) & ~s.aux["res_active"][np.maximum(resource, 0)]
    active_techs = s.aux["res_tech"][s.aux["res_active"][s.aux["res_tech"]]]
    resource[held_by_leaver] = active_techs[rng.integers(0, len(active_techs), held_by_leaver.sum())]
    # Planted: open tickets with neither queue nor resource; open tickets held by a leaver.
    k_un = _n(len(opened), 1 / 12, 3)
    unassigned = _spread(rng, opened, comp, k_un)
    queue[unassigned] = -1
    resource[unassigned] = -1
    leavers = np.flatnonzero(~s.aux["res_active"] & np.isin(np.arange(len(s.aux["res_ids"])), s.aux["res_tech"]))
    k_lv = _n(len(opened), 1 / 15, 3)
    held = _spread(rng, np.setdiff1d(opened, unassigned), comp, k_lv)
    resource[held] = leavers[np.arange(len(held)) % len(leavers)]
    s.plant("ticket_open_unassigned", "Tickets", ids[unassigned])
    s.plant("ticket_open_inactive_resource", "Tickets", ids[held])
    role = np.where(resource >= 0, s.aux["res_role"][np.maximum(resource, 0)], -1)
    duration = np.minimum(rng.lognormal(2.6, 1.3, n) * 3600, 20 * 86400).astype(np.int64)  # seconds, <= 20 days
    end_of_export = _at(np.array([EXPORT_DATE]), [18 * 3600])[0]
    completed = np.minimum(created + _secs(duration), end_of_export)
    completed = np.where(is_open, np.datetime64("NaT"), completed)
    contact = _member(rng, s.aux["ct_groups"], comp)
    contact = np.where(rng.random(n) < 0.92, contact, -1)
    ci = _member(rng, s.aux["ci_groups"], comp)
    ci = np.where(rng.random(n) < 0.3, ci, -1)
    worktype = np.array([BC["Remote Support"], BC["Onsite Support"], BC["After Hours Support"], BC["Project Labour"]])
    bcode = worktype[rng.choice(4, n, p=[0.75, 0.12, 0.05, 0.08])]
    first_resp = created + _secs(rng.integers(5, 240, n) * 60)
    last_act = np.where(is_open, np.minimum(created + _secs(rng.integers(0, 10 * 86400, n)), end_of_export), completed)
    # Ticket numbers as Autotask prints them: T<yyyymmdd>.<sequence of the day>.
    ymd = pd.Series(day.astype(str)).str.replace("-", "", regex=False).to_numpy(dtype=object)
    seq = pd.Series((pd.Series(day).groupby(day).cumcount().to_numpy() + 1).astype(str)).str.zfill(4)
    s.tables["Tickets"] = _frame({
        "id": ids,
        "ticketNumber": _cat("T", ymd, ".", seq.to_numpy(dtype=object)),
        "title": TICKET_TITLES[rng.integers(0, len(TICKET_TITLES), n)],
        "companyID": s.aux["co_ids"][comp],
        "contactID": _opt_int(np.where(contact >= 0, s.aux["ct_ids"][np.maximum(contact, 0)], -1)),
        "status": status.astype(np.int64), "priority": rng.choice([2, 3, 1, 4], n, p=[0.6, 0.25, 0.12, 0.03]),
        "queueID": _opt_int(queue), "ticketType": rng.choice([1, 2, 5, 3, 4], n, p=[0.55, 0.28, 0.12, 0.02, 0.03]),
        "source": rng.choice([4, 2, -1, 8, 6], n, p=[0.5, 0.2, 0.12, 0.15, 0.03]),
        "contractID": _opt_int(np.where(contract >= 0, ids_k[np.maximum(contract, 0)], -1)),
        "configurationItemID": _opt_int(np.where(ci >= 0, s.aux["ci_ids"][np.maximum(ci, 0)], -1)),
        "billingCodeID": s.aux["bc_ids"][bcode],
        "assignedResourceID": _opt_int(np.where(resource >= 0, s.aux["res_ids"][np.maximum(resource, 0)], -1)),
        "assignedResourceRoleID": _opt_int(np.where(role >= 0, s.aux["role_ids"][np.maximum(role, 0)], -1)),
        "serviceLevelAgreementID": rng.choice([1, 2, 3, 4], n, p=[0.6, 0.2, 0.05, 0.15]),
        "createDate": created, "dueDateTime": created + _secs(rng.choice([4, 8, 24, 48, 72], n) * 3600),
        "firstResponseDateTime": first_resp, "completedDate": completed,
        "lastActivityDate": last_act, "creatorType": rng.choice([1, 2], n, p=[0.4, 0.6]),
    })
    s.aux.update(t_ids=ids, t_comp=comp, t_day=day, t_created=created, t_completed=completed, t_open=is_open,
                 t_status=status, t_resource=resource, t_contract=contract, t_bcode=bcode, t_contact=contact,
                 t_number=s.tables["Tickets"]["ticketNumber"].to_numpy(dtype=object))


def _time_entries(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "time_entries")
    is_open, status = s.aux["t_open"], s.aux["t_status"]
    n_closed = int((~is_open).sum())
    n_working = int((is_open & (status != 1)).sum())
    lam = max(0.0, (z["time_entries"] - 0.8 * n_working) / max(n_closed, 1) - 1)
    count = np.where(is_open, np.where(status == 1, 0, rng.poisson(0.8, len(status))),
                     1 + rng.poisson(lam, len(status)))  # New tickets have no time yet; closed ones at least one
    t, _ = _expand(count)
    n = len(t)
    created, completed = s.aux["t_created"][t], s.aux["t_completed"][t]
    end_of_export = _at(np.array([EXPORT_DATE]), [18 * 3600])[0]
    stop = np.where(np.isnat(completed), end_of_export, completed)
    window = np.maximum((stop - created).astype(np.int64), 0)
    begin = created + _secs(np.floor(rng.random(n) * window / 900) * 900)
    hours = rng.choice([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0], n,
                       p=[0.22, 0.26, 0.12, 0.16, 0.09, 0.08, 0.04, 0.03])
    begin = np.minimum(begin, end_of_export - _secs(hours * 3600))
    day = begin.astype("datetime64[D]")
    prefer = np.where(rng.random(n) < 0.75, s.aux["t_resource"][t], -1)
    resource = _pick_technician(rng, s, day, prefer)
    role = np.where(rng.random(n) < 0.85, s.aux["res_role"][resource], TECH_ROLES[rng.integers(0, len(TECH_ROLES), n)])
    nonbill = rng.random(n) < 0.06
    worktype = np.where(rng.random(n) < 0.7, s.aux["t_bcode"][t],
                        np.array([BC["Remote Support"], BC["Onsite Support"], BC["Travel"], BC["After Hours Support"]])
                        [rng.choice(4, n, p=[0.6, 0.2, 0.1, 0.1])])
    finish = begin + _secs(hours * 3600)
    entered = finish + _secs(rng.integers(0, 120, n) * 60)
    approved = np.where(day < EXPORT_DATE - 7, entered + _secs(rng.integers(1, 6, n) * 86400), np.datetime64("NaT"))
    order = np.lexsort((t, begin))
    t, begin, finish, entered, approved, hours, day, resource, role, nonbill, worktype = (
        a[order] for a in (t, begin, finish, entered, approved, hours, day, resource, role, nonbill, worktype))
    contract = s.aux["t_contract"][t]
    ids = _ids(rng, n, 200000000, 2)
    s.tables["TimeEntries"] = _frame({
        "id": ids, "ticketID": s.aux["t_ids"][t], "resourceID": s.aux["res_ids"][resource],
        "roleID": s.aux["role_ids"][role], "dateWorked": day, "startDateTime": begin, "endDateTime": finish,
        "hoursWorked": hours, "hoursToBill": np.where(nonbill, 0.0, hours),
        "billingCodeID": s.aux["bc_ids"][worktype],
        "contractID": _opt_int(np.where(contract >= 0, s.aux["k_ids"][np.maximum(contract, 0)], -1)),
        "isNonBillable": nonbill, "showOnInvoice": ~nonbill, "timeEntryType": np.full(n, 2, np.int64),
        "summaryNotes": TIME_NOTES[rng.integers(0, len(TIME_NOTES), n)],
        "createDateTime": entered, "billingApprovalDateTime": approved,
    })
    s.aux.update(te_ticket=t, te_day=day, te_hours=hours, te_role=role, te_nonbill=nonbill, te_contract=contract,
                 te_ids=ids, te_worktype=worktype)


# ---------------------------------------------------------------- automations and notifications
def _templates(s: Sample) -> None:
    """NotificationTemplates capture sheet; decides which templates are used (sent within the last 180 days)."""
    z, rng = s.aux["z"], _rng(s.seed, "templates")
    n = z["templates"]
    variant, base = np.divmod(np.arange(n), len(TEMPLATE_BASE))
    tb = TEMPLATE_BASE
    names = _cat(np.array([x[0] for x in tb], dtype=object)[base], TEMPLATE_VARIANTS[variant % len(TEMPLATE_VARIANTS)])
    active = np.ones(n, bool)
    active[rng.choice(n, _n(n, 0.12, 2), replace=False)] = False
    # Planted unused: every inactive template, plus active ones with only old sends or none at all.
    unused_active = rng.choice(np.flatnonzero(active), _n(n, 1 / 6, 3), replace=False)
    used = active.copy()
    used[unused_active] = False
    old_only = np.concatenate([unused_active[::2], np.flatnonzero(~active)[::3]])
    s.tables["NotificationTemplates"] = _frame({
        "template_name": names, "area_tab": np.array([x[1] for x in tb], dtype=object)[base],
        "event": np.array([x[2] for x in tb], dtype=object)[base], "active": active,
        "recipients": np.array([x[3] for x in tb], dtype=object)[base],
        "subject": np.array([x[4] for x in tb], dtype=object)[base],
        "last_modified": _uniform_days(rng, np.datetime64("2017-01-01"), EXPORT_DATE - 20, n),
    })
    s.aux.update(nt_names=names, nt_used=np.flatnonzero(used), nt_old=old_only,
                 nt_client=np.array([x[3] == "client" for x in tb])[base])
    s.plant("notification_template_unused", "NotificationTemplates", names[~used])


def _notification_history(s: Sample) -> None:
    z, rng = s.aux["z"], _rng(s.seed, "notification_history")
    n = z["notification_sends"]
    day, created = s.aux["t_day"], s.aux["t_created"]
    recent = np.flatnonzero(day >= EXPORT_DATE - 150)
    last_two_years = np.flatnonzero(day >= EXPORT_DATE - 730)
    old = np.flatnonzero((day < EXPORT_DATE - 230) & (day >= EXPORT_DATE - 1000))
    used, olds = s.aux["nt_used"], s.aux["nt_old"]
    popularity = rng.lognormal(0, 1.2, len(used))
    n_old = min(len(old), len(olds) * 5)
    n_rand = n - len(used) - n_old
    # Each used template sends at least once in the last 150 days; old-only ones stopped 230+ days ago.
    tmpl = np.concatenate([used, used[rng.choice(len(used), n_rand, p=popularity / popularity.sum())],
                           olds[np.arange(n_old) % max(len(olds), 1)]])
    ticket = np.concatenate([recent[rng.integers(0, len(recent), len(used))],
                             last_two_years[rng.integers(0, len(last_two_years), n_rand)],
                             old[rng.integers(0, max(len(old), 1), n_old)] if n_old else np.array([], int)])
    end_of_export = _at(np.array([EXPORT_DATE]), [23 * 3600])[0]
    sent = np.minimum(created[ticket] + _secs(rng.integers(1, 48 * 60, len(ticket)) * 60), end_of_export)
    order = np.lexsort((tmpl, sent))
    tmpl, ticket, sent = tmpl[order], ticket[order], sent[order]
    client = s.aux["nt_client"][tmpl]
    contact = s.aux["t_contact"][ticket]
    res = s.aux["t_resource"][ticket]
    res = np.where(res >= 0, res, s.aux["res_fallback"])
    c_mail = np.where(contact >= 0, s.aux["ct_email"][np.maximum(contact, 0)], None)
    to_client = client & (contact >= 0) & pd.notna(c_mail)
    m = len(tmpl)
    s.tables["NotificationHistory"] = _frame({
        "id": _ids(rng, m, 500000000, 2), "templateName": s.aux["nt_names"][tmpl], "notificationSentTime": sent,
        "notificationHistoryTypeID": np.where(client, 1, 2).astype(np.int64),
        "recipientEmailAddress": np.where(to_client, c_mail, s.aux["res_email"][res]),
        "recipientDisplayName": np.where(to_client, s.aux["ct_name"][np.maximum(contact, 0)], s.aux["res_name"][res]),
        "companyID": s.aux["co_ids"][s.aux["t_comp"][ticket]], "ticketID": s.aux["t_ids"][ticket],
        "entityNumber": s.aux["t_number"][ticket],
        "entityTitle": s.tables["Tickets"]["title"].to_numpy(dtype=object)[ticket],
        "isTemplateJob": np.zeros(m, bool),
    })


def _workflow_rules(s: Sample) -> None:
    """WorkflowRules capture sheet, with inactive, stale and duplicated rules planted."""
    z, rng = s.aux["z"], _rng(s.seed, "workflow_rules")
    n = z["workflow_rules"]
    n_dup = _n(n, 1 / 15, 2)
    n_base = n - n_dup
    wb = WORKFLOW_BASE
    base = np.concatenate([np.arange(min(n_base, len(wb))), rng.integers(0, len(wb), max(0, n_base - len(wb)))])
    customers = np.flatnonzero(s.aux["co_weight"] > 0)
    company = np.full(n_base, -1)
    extra = np.arange(len(wb), n_base)
    company[extra] = customers[rng.choice(len(customers), len(extra), replace=len(extra) > len(customers))]
    # Customer-specific copies name the customer in the rule and in its conditions (unique per base + customer).
    cname = np.where(company >= 0, s.aux["co_names"][np.maximum(company, 0)], "")
    pairs = pd.DataFrame({"b": base, "c": company}).drop_duplicates()
    base, company, cname = base[pairs.index], company[pairs.index], cname[pairs.index]
    col = lambda i: np.array([x[i] for x in wb], dtype=object)[base]  # noqa: E731
    special = company >= 0
    names = np.where(special, _cat(col(0), " - ", cname), col(0))
    conditions = np.where(special, _cat(col(4), "|Organization equal to '", cname, "'"), col(4))
    m = len(base)
    max_active = 195 - n_dup if n > 250 else int(round(m * 0.72))  # Autotask allows 200 active rules
    active = np.zeros(m, bool)
    active[rng.choice(m, min(max_active, m), replace=False)] = True
    last_trig = _uniform_days(rng, EXPORT_DATE - 30, EXPORT_DATE, m).astype("datetime64[D]")
    flags = np.full(m, "", dtype=object)
    inactive = ~active
    last_trig = np.where(inactive & (rng.random(m) < 0.6), _uniform_days(rng, EXPORT_DATE - 1500, EXPORT_DATE - 300, m),
                         last_trig)
    last_trig = np.where(inactive & (last_trig > EXPORT_DATE - 200), np.datetime64("NaT"), last_trig)
    # Planted stale: last fired 200+ days ago and/or flagged by Autotask's Workflow Rule Audit.
    stale = _spread(rng, np.flatnonzero(active), base, _n(int(active.sum()), 1 / 8, 3))
    kind = np.arange(len(stale)) % 3
    last_trig[stale] = np.where(kind == 1, np.datetime64("NaT"),
                                _uniform_days(rng, EXPORT_DATE - 900, EXPORT_DATE - 200, len(stale)))
    flags[stale[kind < 2]] = "Has not triggered recently"
    fresh = np.setdiff1d(np.flatnonzero(active), stale)
    other = fresh[rng.random(len(fresh)) < 0.08]
    flags[other] = "Has Inactive Static Notification Recipients"
    if active.sum() >= 190:
        flags[active] = np.where(flags[active] == "", "Approaching Active Rule Capacity",
                                 _cat(flags[active], "|Approaching Active Rule Capacity"))
    modified = _uniform_days(rng, np.datetime64("2016-06-01"), EXPORT_DATE - 15, m)
    frame = pd.DataFrame({
        "rule_name": names, "area_tab": col(1), "entity": col(2), "active": active,
        "description": _cat("Sends or updates on ", col(2), " events: ", col(3)), "events": col(3),
        "conditions": conditions, "actions": col(5), "notification_template": col(6), "notify": col(7),
        "time_offset": col(8), "last_triggered": last_trig, "last_modified": modified, "audit_flags": flags,
    })
    # Planted duplicates: "Copy of ..." rules repeating another active rule's entity, events and conditions.
    src = _spread(rng, fresh, base, n_dup)
    copies = frame.iloc[src].copy()
    copies["rule_name"] = _cat("Copy of ", copies["rule_name"].to_numpy(dtype=object))
    copies["last_modified"] = _uniform_days(rng, EXPORT_DATE - 700, EXPORT_DATE - 15, len(src))
    frame = pd.concat([frame, copies], ignore_index=True).sort_values(["area_tab", "rule_name"], kind="stable")
    for c in ("last_triggered", "last_modified"):
        frame[c] = frame[c].to_numpy().astype("datetime64[ms]")
    s.tables["WorkflowRules"] = _frame({c: frame[c].to_numpy() for c in WORKFLOW_COLUMNS})
    s.plant("workflow_rule_inactive", "WorkflowRules", names[~active])
    s.plant("workflow_rule_stale", "WorkflowRules", names[stale])
    s.plant("workflow_rule_duplicate", "WorkflowRules",
            np.concatenate([names[src], copies["rule_name"].to_numpy(dtype=object)]))


# ---------------------------------------------------------------- billing
def _billing(s: Sample) -> None:
    """Posted BillingItems for the last `billing_months` months and one invoice per customer per month."""
    z, rng = s.aux["z"], _rng(s.seed, "billing")
    first_month = _add_months(_month(np.array([EXPORT_DATE])), -(z["billing_months"] - 1))[0]
    kid, kcomp, ktype = s.aux["k_ids"], s.aux["k_comp"], s.aux["k_type"]
    parts = []
    # 1. Recurring services (one item per contract service per month).
    owner, period = s.aux["csu_owner"], s.aux["csu_period"]
    keep = period >= first_month
    o, p = owner[keep], period[keep]
    c = s.aux["cs_contract"][o]
    sv = s.aux["cs_service"][o]
    q = s.aux["csu_units"][keep].astype(float)
    rate = s.aux["cs_price"][o]
    parts.append(pd.DataFrame({"comp": kcomp[c], "contractID": kid[c], "serviceID": s.aux["sv_ids"][sv],
                               "productID": -1, "ticketID": -1, "timeEntryID": -1, "roleID": -1,
                               "billingCodeID": s.aux["bc_ids"][BC["Managed Services"]], "itemDate": p,
                               "description": s.aux["sv_names"][sv], "quantity": q, "rate": rate,
                               "ourCost": q * s.aux["sv_cost"][sv], "billingItemType": 3}))
    # 2. Labour on Time & Materials contracts (and tickets without a contract), at the contract's role rate.
    te_c = s.aux["te_contract"]
    tm = (s.aux["te_day"] >= first_month) & ~s.aux["te_nonbill"] & ((te_c < 0) | (ktype[np.maximum(te_c, 0)] == 1))
    idx = np.flatnonzero(tm)
    role = s.aux["te_role"][idx]
    override = pd.Series(s.aux["rate_value"],
                         index=pd.MultiIndex.from_arrays([s.aux["rate_contract"], s.aux["rate_role"]]))
    override = override[~override.index.duplicated()]
    key = pd.MultiIndex.from_arrays([te_c[idx], role])
    rate = override.reindex(key).to_numpy()
    rate = np.where(np.isnan(rate), s.aux["role_rate"][role], rate)
    t = s.aux["te_ticket"][idx]
    parts.append(pd.DataFrame({"comp": s.aux["t_comp"][t],
                               "contractID": np.where(te_c[idx] >= 0, kid[np.maximum(te_c[idx], 0)], -1),
                               "serviceID": -1, "productID": -1, "ticketID": s.aux["t_ids"][t],
                               "timeEntryID": s.aux["te_ids"][idx], "roleID": s.aux["role_ids"][role],
                               "billingCodeID": s.aux["bc_ids"][s.aux["te_worktype"][idx]],
                               "itemDate": s.aux["te_day"][idx],
                               "description": _cat(np.array([r[0] for r in ROLES], dtype=object)[role], " - ",
                                                   s.aux["t_number"][t]),
                               "quantity": s.aux["te_hours"][idx], "rate": rate,
                               "ourCost": s.aux["te_hours"][idx] * 45.0,
                               "billingItemType": 1}))
    # 3. Contract charges (billing-rule units and hardware).
    ch = np.flatnonzero((s.aux["ch_date"] >= first_month) & (s.aux["ch_date"] <= EXPORT_DATE))
    c, prod = s.aux["ch_contract"][ch], s.aux["ch_product"][ch]
    parts.append(pd.DataFrame({"comp": kcomp[c], "contractID": kid[c], "serviceID": -1,
                               "productID": s.aux["pr_ids"][prod],
                               "ticketID": -1, "timeEntryID": -1, "roleID": -1,
                               "billingCodeID": s.aux["bc_ids"][BC["Hardware"]], "itemDate": s.aux["ch_date"][ch],
                               "description": s.aux["pr_names"][prod], "quantity": s.aux["ch_qty"][ch],
                               "rate": s.aux["pr_price"][prod], "ourCost": s.aux["ch_qty"][ch] * s.aux["pr_cost"][prod],
                               "billingItemType": 2}))
    items = pd.concat(parts, ignore_index=True)
    items["itemDate"] = items["itemDate"].to_numpy().astype("datetime64[D]")
    items = items.sort_values(["itemDate", "comp", "billingItemType"], kind="stable").reset_index(drop=True)
    month = _month(items["itemDate"].to_numpy())
    month_end = _add_months(month, 1) - 1
    inv_key = pd.MultiIndex.from_arrays([month, items["comp"].to_numpy()])
    codes, uniques = pd.factorize(inv_key, sort=True)
    n_inv = len(uniques)
    inv_ids = _ids(rng, n_inv, 600000, 2)
    ext = _money(items["quantity"].to_numpy() * items["rate"].to_numpy())
    n = len(items)
    posted = month_end
    s.tables["BillingItems"] = _frame({
        "id": _ids(rng, n, 700000000, 2), "companyID": s.aux["co_ids"][items["comp"].to_numpy()],
        "contractID": _opt_int(items["contractID"].to_numpy()), "serviceID": _opt_int(items["serviceID"].to_numpy()),
        "productID": _opt_int(items["productID"].to_numpy()), "ticketID": _opt_int(items["ticketID"].to_numpy()),
        "timeEntryID": _opt_int(items["timeEntryID"].to_numpy()), "roleID": _opt_int(items["roleID"].to_numpy()),
        "billingCodeID": items["billingCodeID"].to_numpy().astype(np.int64), "invoiceID": inv_ids[codes],
        "itemDate": items["itemDate"].to_numpy(), "postedDate": _at(posted, np.full(n, 20 * 3600)),
        "description": items["description"].to_numpy(dtype=object), "quantity": items["quantity"].to_numpy(float),
        "rate": _money(items["rate"].to_numpy()), "extendedPrice": ext, "totalAmount": ext,
        "ourCost": _money(items["ourCost"].to_numpy()), "nonBillable": np.zeros(n, np.int64),
        "billingItemType": items["billingItemType"].to_numpy().astype(np.int64),
    })
    subtotal = np.bincount(codes, weights=ext, minlength=n_inv)
    inv_month = np.asarray(uniques.get_level_values(0)).astype("datetime64[D]")
    inv_comp = np.asarray(uniques.get_level_values(1)).astype(np.int64)
    inv_end = _add_months(inv_month, 1) - 1
    tax = _money(subtotal * 0.1)
    paid = inv_end + 21
    s.tables["Invoices"] = _frame({
        "id": inv_ids, "invoiceNumber": _cat("INV-", (10000 + np.arange(n_inv)).astype(str)),
        "companyID": s.aux["co_ids"][inv_comp], "invoiceDateTime": _at(inv_end, np.full(n_inv, 20 * 3600)),
        "fromDate": inv_month, "toDate": inv_end, "dueDate": inv_end + 30,
        "invoiceTotal": _money(subtotal + tax), "totalTaxValue": tax, "isVoided": np.zeros(n_inv, bool),
        "paymentTerm": np.ones(n_inv, np.int64), "paidDate": np.where(paid <= EXPORT_DATE, paid, np.datetime64("NaT")),
        "batchID": _opt_int((inv_month.astype("datetime64[M]").astype(np.int64) - 600)),
    })


def _orphans(s: Sample) -> None:
    """Planted orphans: rows pointing at a parent record the export does not hold."""
    rng = _rng(s.seed, "orphans")
    missing_contract = int(s.aux["k_ids"].max()) + 7919
    missing_ticket = int(s.aux["t_ids"].max()) + 7919
    cs = s.tables["ContractServices"]
    k_cs = _n(len(cs), 1 / 150, 1)
    donors = cs.iloc[rng.choice(len(cs), k_cs, replace=False)].copy()
    donors["id"] = int(cs["id"].max()) + 1 + np.arange(k_cs) * 3
    donors["contractID"] = missing_contract + np.arange(k_cs) * 11
    s.tables["ContractServices"] = pd.concat([cs, donors], ignore_index=True)
    s.plant("orphan_reference", "ContractServices", donors["id"].to_numpy())
    tk = s.tables["Tickets"]
    closed = np.flatnonzero(~s.aux["t_open"] & np.isin(np.arange(len(tk)), np.flatnonzero(s.aux["t_contract"] < 0)))
    rows = _spread(rng, closed, s.aux["t_comp"], _n(len(tk), 1 / 500, 2))
    col = tk["contractID"].to_numpy(dtype=np.float64, na_value=np.nan)
    col[rows] = missing_contract + 1 + np.arange(len(rows)) * 13
    tk["contractID"] = _opt_int(np.nan_to_num(col, nan=-1).astype(np.int64))
    s.plant("orphan_reference", "Tickets", tk["id"].to_numpy()[rows])
    te = s.tables["TimeEntries"]
    rows = rng.choice(len(te), _n(len(te), 1 / 1000, 2), replace=False)
    tid = te["ticketID"].to_numpy().copy()
    tid[rows] = missing_ticket + np.arange(len(rows)) * 17
    te["ticketID"] = tid
    s.plant("orphan_reference", "TimeEntries", te["id"].to_numpy()[rows])


def _client(s: Sample) -> None:
    integrations = [group[(s.seed - 1) % len(group)] for group in NATIVE_INTEGRATIONS]
    integrations.insert(3, "Microsoft CSP" if "Microsoft CSP" not in integrations else "Pax8")
    integrations.append(str(NO_NATIVE_INTEGRATIONS[(s.seed - 1) % len(NO_NATIVE_INTEGRATIONS)]))
    s.client.update({"technicians": s.client.get("technicians", 0), "integrations": integrations, "billing_day": 1,
                     "export_date": str(EXPORT_DATE),
                     "notes": f"Sample export ({s.size}, seed {s.seed}) taken on {EXPORT_DATE}; synthetic data."})
    s.plant("integration_rebuild", "Integrations", integrations)


# ----------------------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------------------
def _label(col: str) -> str:
    """Grid display label from a REST field name: companyID -> "Company ID", isActive -> "Active"."""
    if col == "id":
        return "ID"
    name = col[2:] if re.match(r"is[A-Z]", col) else col
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return " ".join(w if w.isupper() else w.capitalize() for w in words)


def _money_text(x: np.ndarray) -> pa.Array:
    """"$1,250.00" / "-$50.00" / null, vectorised (no per-value formatting in Python)."""
    x = np.asarray(x, float)
    nan = np.isnan(x)
    cents = np.round(np.abs(np.nan_to_num(x)) * 100).astype(np.int64)
    whole, frac = np.divmod(cents, 100)
    mil, rest = np.divmod(whole, 1_000_000)
    tho, uni = np.divmod(rest, 1000)
    z3 = lambda a: np.strings.zfill(a.astype(str), 3)  # noqa: E731
    add = np.strings.add
    body = np.where(mil > 0, add(add(add(mil.astype(str), ","), add(z3(tho), ",")), z3(uni)),
                    np.where(tho > 0, add(add(tho.astype(str), ","), z3(uni)), uni.astype(str)))
    sign = np.where(x < 0, "-$", "$")
    text = np.strings.add(np.strings.add(sign, body), np.strings.add(".", np.strings.zfill(frac.astype(str), 2)))
    return pa.array(text.astype(object), type=pa.string(), mask=nan)


def _timestamps(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[ms]"), type=pa.timestamp("ms"))


_iso = exportwriter.rest_datetimes  # REST datetimes: "2024-01-31T00:00:00.000Z"


def _display_date(values, with_time: bool, date_only_iso: bool = False) -> pa.Array:
    """Grid dates "dd/MM/yyyy" (with " HH:mm" for datetimes); ISO "yyyy-MM-dd" when `date_only_iso`."""
    text = pc.cast(_timestamps(values), pa.string())
    part = lambda a, b: pc.utf8_slice_codeunits(text, a, b)  # noqa: E731
    if date_only_iso:
        return part(0, 10)
    pieces = [part(8, 10), "/", part(5, 7), "/", part(0, 4)] + ([" ", part(11, 16)] if with_time else [])
    return pc.binary_join_element_wise(*pieces, "")


def _rest_column(series: pd.Series, col: str) -> pa.Array:
    """REST-shaped column: ISO UTC datetimes with milliseconds and Z, everything else as typed values."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _iso(series.to_numpy())
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        return _text(series)
    return pa.array(series)


def _text(series: pd.Series) -> pa.Array:
    """A text column as an arrow string array (zero-copy for arrow-backed pandas strings)."""
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arr = pa.array(series)
        return arr.cast(pa.string()) if arr.type != pa.string() else arr
    return pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.string())


def _grid_column(series: pd.Series, entity: str, col: str, names: pd.Series) -> tuple[str, pa.Array]:
    """Grid-export column: display label header and display-formatted values."""
    labels = PICKLISTS.get(entity, {}).get(col)
    if col == "companyID" and entity in ORGANIZATION_TABLES:
        return "Organization", pa.array(series.map(names).to_numpy(dtype=object, na_value=None), type=pa.string())
    if labels is not None:
        header = _label(col)
        header = header[:-3] if header.endswith(" ID") else header
        text = series.map(labels)
        return header, pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.string())
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _label(col), _display_date(series.to_numpy(), with_time=col not in DATE_ONLY)
    if pd.api.types.is_bool_dtype(series.dtype) or (entity == "Contacts" and col == "isActive"):
        v = series.astype("boolean")
        text = np.where(v.fillna(False).to_numpy(bool), "Yes", "No").astype(object)
        return _label(col), pa.array(text, type=pa.string(), mask=v.isna().to_numpy())
    if col in MONEY and pd.api.types.is_float_dtype(series.dtype):
        return _label(col), _money_text(series.to_numpy(dtype=float, na_value=np.nan))
    if col == "serialNumber":
        return "Serial Number", _text(series)
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        return _label(col), _text(series)
    return _label(col), pa.array(series)


def _capture_table(df: pd.DataFrame, shape: str) -> pa.Table:
    """Capture sheets: snake_case headers, ISO dates (dd/MM/yyyy in the grid shape), true/false or Yes/No."""
    cols = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            cols[col] = _display_date(s.to_numpy(), with_time=False, date_only_iso=shape != "grid-csv")
        elif pd.api.types.is_bool_dtype(s.dtype):
            yes, no = ("Yes", "No") if shape == "grid-csv" else ("true", "false")
            cols[col] = pa.array(np.where(s.to_numpy(bool), yes, no).astype(object), type=pa.string())
        else:
            cols[col] = _text(s.replace("", None))  # blank cells, as a consultant leaves them
    return pa.table(cols)


def _write_csv_table(table: pa.Table, path: Path, bom: bool = False, encoding: str = "utf-8") -> None:
    """CSV via pyarrow in 250k-row batches; optional UTF-8 BOM or a legacy single-byte encoding."""
    opts = pacsv.WriteOptions(include_header=True, batch_size=250_000)
    if encoding != "utf-8":
        buf = pa.BufferOutputStream()
        pacsv.write_csv(table, buf, write_options=opts)
        path.write_bytes(buf.getvalue().to_pybytes().decode("utf-8").encode(encoding))
        return
    with open(path, "wb") as fh:
        if bom:
            fh.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, fh, write_options=opts)


def _chunks(n: int, size: int = 250_000):
    for lo in range(0, max(n, 1), size):
        yield lo, min(n, lo + size)


def _write_rest_csv(df: pd.DataFrame, path: Path) -> None:
    schema = None
    with open(path, "wb") as fh:
        for lo, hi in _chunks(len(df)):
            part = df.iloc[lo:hi]
            table = pa.table({c: _rest_column(part[c], c) for c in df.columns})
            if schema is None:
                schema = table.schema
                writer = pacsv.CSVWriter(fh, schema)
            writer.write_table(table.cast(schema))
        writer.close()


def _write_grid_csv(df: pd.DataFrame, entity: str, path: Path, names: pd.Series) -> None:
    cols = {}
    for c in df.columns:
        header, arr = _grid_column(df[c], entity, c, names)
        cols[header] = arr
    table = pa.table(cols)
    if entity == "Companies":
        _write_csv_table(table, path, encoding="cp1252")  # what Excel-era exports of the company list look like
    else:
        _write_csv_table(table, path, bom=True)


def _udfs(s: Sample, entity: str, df: pd.DataFrame) -> list:
    """userDefinedFields per record (JSON shape only; values are strings or null, as REST returns them).

    Builds one small list per record in Python: only Companies and Contracts (at most 8,000 rows) carry them."""
    rng = _rng(s.seed, "udf-" + entity)
    n = len(df)
    if entity == "Companies":
        tier = np.array(["Gold", "Silver", "Bronze", None], dtype=object)[rng.integers(0, 4, n)]
        onboard = pd.Series(df["createDate"].dt.strftime("%Y-%m-%d")).to_numpy(dtype=object, na_value=None)
        return [[{"name": "Customer Tier", "value": a}, {"name": "Onboarded", "value": b}]
                for a, b in zip(tier, onboard)]
    idx = np.array(["0.00", "2.50", "3.00", "4.20"], dtype=object)[rng.integers(0, 4, n)]
    cancel = np.where(df["status"].to_numpy() == 0, df["endDate"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object), None)
    return [[{"name": "Indexation", "value": a}, {"name": "Cancelled per", "value": b}] for a, b in zip(idx, cancel)]


def _write_json(df: pd.DataFrame, entity: str, form: str, folder: Path) -> Path:
    # One page per 500 records in the paged form (as a pull saves it); big chunks otherwise (fewer to_json calls).
    pages = exportwriter.frame_pages(df, PAGE_SIZE if form == "pages" else 250_000)
    return exportwriter.write_entity(folder, entity, pages, form)[0]


_DATA_TYPES = {ents.ID: "long", ents.PICK: "integer", ents.INT: "integer", ents.NUM: "double", ents.BOOL: "boolean",
               ents.DATE: "datetime", ents.TEXT: "string"}  # loader kind -> entityInformation dataType


def _fields_json(entity: str, df: pd.DataFrame) -> dict:
    """An entityInformation/fields-style response describing the table's columns and picklists."""
    picks = PICKLISTS.get(entity, {})
    model = ents.rest_model().get(ents.singular(entity), {})  # data types as Autotask's model gives them
    fields = []
    for col in df.columns:
        dt = df[col].dtype
        kind = ("datetime" if pd.api.types.is_datetime64_any_dtype(dt) else "boolean" if pd.api.types.is_bool_dtype(dt)
                else "double" if pd.api.types.is_float_dtype(dt) else "long" if pd.api.types.is_integer_dtype(dt)
                else "string")
        kind = _DATA_TYPES.get(model.get(col), kind)
        values = None
        if col in picks:
            values = [{"value": str(k), "label": v, "isDefaultValue": i == 0, "sortOrder": i, "parentValue": "",
                       "isActive": True, "isSystem": True} for i, (k, v) in enumerate(picks[col].items())]
        fields.append({"name": col, "dataType": "integer" if col in picks else kind, "length": 0,
                       "isRequired": col == "id", "isReadOnly": col == "id", "isQueryable": True,
                       "isReference": col.endswith("ID") and col not in picks, "referenceEntityType": "",
                       "isPickList": col in picks, "picklistValues": values, "picklistParentValueField": "",
                       "isSupportedWebhookField": False})
    return {"fields": fields}


def _ours(folder: Path) -> list[Path]:
    """The files this generator writes into an export folder (whatever else the folder holds is left alone)."""
    names = [f"{e}{ext}" for e in ENTITIES + CAPTURE_SHEETS for ext in (".csv", ".json", ".jsonl")]
    found = [folder / n for n in names + ["client.yaml"] if (folder / n).is_file()]
    return found + [folder / "fields" / f"{e}.json" for e in PICKLISTS if (folder / "fields" / f"{e}.json").is_file()]


def _clear(folder: Path) -> None:
    """Remove files a previous run of any shape wrote here (only ours), so shapes never mix in one folder."""
    for path in _ours(folder):
        path.unlink()
    if (folder / "fields").is_dir() and not any((folder / "fields").iterdir()):
        (folder / "fields").rmdir()


def write(sample: Sample, out_dir, shape: str = "rest-csv") -> Path:
    """Write a built sample as one export folder in `shape`; returns the folder."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPES)}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _clear(folder)
    names = pd.Series(sample.tables["Companies"]["companyName"].to_numpy(dtype=object),
                      index=sample.tables["Companies"]["id"].to_numpy())
    for i, entity in enumerate(ENTITIES):
        df = sample.tables[entity]
        if shape == "rest-csv":
            _write_rest_csv(df, folder / f"{entity}.csv")
        elif shape == "grid-csv":
            _write_grid_csv(df, entity, folder / f"{entity}.csv", names)
        else:
            if entity in ("Companies", "Contracts"):
                df = df.assign(userDefinedFields=_udfs(sample, entity, df))
            _write_json(df, entity, JSON_FORMS[i % len(JSON_FORMS)], folder)
    for sheet in CAPTURE_SHEETS:
        _write_csv_table(_capture_table(sample.tables[sheet], shape), folder / f"{sheet}.csv", bom=shape == "grid-csv")
    if shape in ("json", "grid-csv"):
        (folder / "fields").mkdir(exist_ok=True)
        for entity in PICKLISTS:
            text = json.dumps(_fields_json(entity, sample.tables[entity]), separators=(",", ":"))
            (folder / "fields" / f"{entity}.json").write_text(text, encoding="utf-8")
    client = dict(sample.client)
    if shape == "grid-csv":
        client["date_format"] = "dd/MM/yyyy"
    (folder / "client.yaml").write_text(yaml.safe_dump(client, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


def generate(out_dir, size: str = "small", seed: int = 1, shape: str = "rest-csv",
             client_name: str | None = None) -> Path:
    """Build and write one sample export folder (default: small, seed 1, REST CSV); returns the folder."""
    return write(build(size, seed, client_name), out_dir, shape)


def synth_command(out, size: str = "small", seed: int = 1, shape: str = "rest-csv") -> int:
    """CLI entry (`readiness synth OUT_DIR --size --seed --shape`): write the sample and print a one-line summary."""
    sample = build(size, int(seed))
    folder = write(sample, out, shape)
    files = _ours(folder)
    rows = sum(len(sample.tables[e]) for e in ENTITIES + CAPTURE_SHEETS)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"wrote {len(files)} files, {rows:,} rows, {mb:,.1f} MB to {folder} "
          f"({sample.client['name']}, size {size}, seed {seed}, {shape}, exported {EXPORT_DATE})")
    return 0
