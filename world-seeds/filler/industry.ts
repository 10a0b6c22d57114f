/** What everyday work looks like in a kind of company: who its clients are (if it has any),
 * what its projects are called, and a business headline its staff would read. */
export interface Industry {
  /** Suffixes of client names ("Harlan Freight"); none: the projects are the company's own. */
  clientSuffixes: string[] | null;
  projects: string[];
  /** Whether staff bill their time to clients (a consultancy does, a bank does not). */
  billable: boolean;
  headlines: string[];
}

const CONSULTING: Industry = {
  clientSuffixes: ['Logistics', 'Health Partners', 'Manufacturing', 'Energy', 'Financial', 'Foods', 'Insurance', 'Retail Group', 'Medical Center', 'Freight', 'Homes', 'Utilities'],
  projects: ['data platform migration', 'CRM rollout', 'billing modernization', 'warehouse analytics', 'network refresh', 'claims automation', 'supplier portal', 'demand forecasting', 'intranet redesign', 'payroll integration', 'field service app', 'document management rollout'],
  billable: true,
  headlines: ['Consulting fees hold steady despite slower deal flow', 'Mid-market firms step up spending on data projects'],
};

const DEFENSE: Industry = {
  clientSuffixes: ['Aerospace', 'Defense Systems', 'Federal Solutions', 'Dynamics', 'Space Systems', 'Mission Systems'],
  projects: ['zero-trust rollout', 'SOC modernization', 'key management upgrade', 'CMMC readiness assessment', 'continuous monitoring pilot', 'STIG hardening', 'sensor firmware update', 'threat-intel feed integration', 'secure enclave migration', 'incident response runbook refresh'],
  billable: false,
  headlines: ['Pentagon cyber budget request grows for a third year', 'Defense primes report longer waits for security clearances'],
};

const FREIGHT: Industry = {
  clientSuffixes: ['Freight', 'Carriers', 'Trucking', 'Distribution', 'Logistics', 'Transport'],
  projects: ['route optimization study', 'fleet telematics integration', 'driver hours analysis', 'lane pricing model', 'dock scheduling pilot', 'fuel cost dashboard', 'carrier scorecard refresh', 'incident trend report'],
  billable: true,
  headlines: ['Spot freight rates dip as truck capacity loosens', 'Interstate work zones to slow traffic through the fall'],
};

const BANKING: Industry = {
  clientSuffixes: null,
  projects: ['core banking upgrade', 'online banking refresh', 'loan origination rollout', 'card fraud rules review', 'ATM network refresh', 'member portal redesign', 'branch staffing model', 'mortgage document imaging'],
  billable: false,
  headlines: ['Credit unions report steady growth in auto lending', 'Regulators publish new guidance on overdraft fees'],
};

/** The profile whose words match the company's industry; a consultancy's when none does. */
export function industryOf(industry: string): Industry {
  if (/defen|cyber|security/i.test(industry)) return DEFENSE;
  if (/freight|logistic|transport|fleet|routing/i.test(industry)) return FREIGHT;
  if (/bank|credit union|lending|member-owned/i.test(industry)) return BANKING;
  return CONSULTING;
}
