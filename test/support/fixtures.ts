// A minimal valid flat-paths Account, for loopback servers that need to answer something real.
export const account = {
  id: 'ACC1',
  togaiAccountId: 'tgai.acc.1',
  togaiCustomerId: 'tgai.cus.1',
  name: 'Acme',
  customerId: 'CUS1',
  status: 'ACTIVE',
};
