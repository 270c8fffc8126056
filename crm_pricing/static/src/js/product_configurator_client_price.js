import { patch } from "@web/core/utils/patch";
import { SaleOrderLineProductField } from "@sale/js/sale_product_field";
import { ProductConfiguratorDialog } from "@sale/js/product_configurator_dialog/product_configurator_dialog";
import { ComboConfiguratorDialog } from "@sale/js/combo_configurator_dialog/combo_configurator_dialog";

/**
 * The product and combo configurators show the client's price (crm_pricing's
 * conditional rules), as the line they create gets it: the order's customer
 * and payment term go with every price request.
 */
patch(SaleOrderLineProductField.prototype, {
    _getAdditionalDialogProps() {
        const order = this.props.record.model.root.data;
        return {
            ...super._getAdditionalDialogProps(),
            crmPartnerId: order.partner_id ? order.partner_id[0] : undefined,
            crmPaymentTermId: order.payment_term_id ? order.payment_term_id[0] : undefined,
        };
    },
    _getAdditionalRpcParams() {
        const order = this.props.record.model.root.data;
        return {
            ...super._getAdditionalRpcParams(),
            crm_partner_id: order.partner_id ? order.partner_id[0] : false,
            crm_payment_term_id: order.payment_term_id ? order.payment_term_id[0] : false,
        };
    },
});

for (const Dialog of [ProductConfiguratorDialog, ComboConfiguratorDialog]) {
    Dialog.props = {
        ...Dialog.props,
        crmPartnerId: { type: Number, optional: true },
        crmPaymentTermId: { type: Number, optional: true },
    };
    patch(Dialog.prototype, {
        _getAdditionalRpcParams() {
            return {
                ...super._getAdditionalRpcParams(),
                crm_partner_id: this.props.crmPartnerId || false,
                crm_payment_term_id: this.props.crmPaymentTermId || false,
            };
        },
    });
}
