"""What the generator draws from: fixed dates, sizes, the plant catalogue, picklists, display rules and word lists."""

from __future__ import annotations

import numpy as np

from readiness import entities as ents
from readiness import exportwriter
from readiness.vocabulary import CONTRACT_TYPE_LABELS

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
CONTRACT_TYPES = dict(CONTRACT_TYPE_LABELS)
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
