/**
 * The tenant's subscribed SKUs. Only SKUs whose service plans include Exchange Online give a user a
 * mailbox (https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference).
 */
export interface SkuRecord {
  skuId: string;
  skuPartNumber: string;
  includesExchangeOnline: boolean;
}

export const EXCHANGE_ONLINE_PLAN_1_SKU = '4b9405b0-7788-4568-add1-99614e613b69';

export const subscribedSkus: readonly SkuRecord[] = [
  { skuId: EXCHANGE_ONLINE_PLAN_1_SKU, skuPartNumber: 'EXCHANGESTANDARD', includesExchangeOnline: true },
  { skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900', skuPartNumber: 'ENTERPRISEPACK', includesExchangeOnline: true },
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', includesExchangeOnline: true },
  { skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235', skuPartNumber: 'POWER_BI_STANDARD', includesExchangeOnline: false },
];

export function findSku(skuId: string): SkuRecord | undefined {
  return subscribedSkus.find((sku) => sku.skuId.toLowerCase() === skuId.toLowerCase());
}

export function hasExchangeLicence(licences: readonly { skuId: string }[]): boolean {
  return licences.some((licence) => findSku(licence.skuId)?.includesExchangeOnline === true);
}
